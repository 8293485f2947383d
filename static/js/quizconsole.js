// The console's leaderboard settings: on or off, the teams, and the nicknames phones chose
// (each can be hidden from the presenter screen).
import { $, el, fill } from "./dom.js";
import { t } from "./i18n.js";

/** Show the leaderboard settings as the presenter state has them. */
export function renderLeaderboard(view, send) {
  const toggle = $("#leaderboard-on");
  if (!toggle) return;
  toggle.checked = Boolean(view.leaderboard_on);
  const teams = $("#teams");
  if (document.activeElement !== teams) teams.value = (view.teams || []).join("\n");
  fill(
    $("#nicknames"),
    (view.nicknames || []).map((line) =>
      el(
        "li",
        { class: `nickname-line${line.hidden ? " is-hidden" : ""}` },
        el("bdi", { text: line.nickname }),
        el("button", {
          type: "button",
          class: "button small",
          text: line.hidden ? t("console.showNickname") : t("console.hideNickname"),
          onclick: () => send({ type: "hide_nickname", id: line.id, hidden: !line.hidden }),
        }),
      ),
    ),
  );
}

/** Wire the settings to the socket. */
export function wireLeaderboard(view, send) {
  const toggle = $("#leaderboard-on");
  if (!toggle) return;
  const teamList = () =>
    $("#teams")
      .value.split("\n")
      .map((name) => name.trim())
      .filter(Boolean);
  toggle.addEventListener("change", () => send({ type: "leaderboard", enabled: toggle.checked }));
  $("#set-teams").addEventListener("click", () =>
    send({ type: "leaderboard", enabled: Boolean(view.leaderboard_on), teams: teamList() }),
  );
}
