// The phone's part in a table-top exercise, loaded only once the session runs one: choose a
// team (teams mode), say whether this phone speaks for it, read the step in the phone's
// language, vote on a decision (the vote counts once the server acknowledges it), "continue"
// after an inject in teams mode, and the ending the room or team reached.
import { heard } from "./countdown.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { picture } from "./slides.js";
import { isEnding, lastDecision, moveOnTimer, optionLabel, statusText, stepBody, stepOf } from "./scenariostep.js";
import { pick, setLanguage } from "./text.js";

// Errors that only the exercise gives; the others are the exercise's only while one of its
// requests waits for an answer.
const OWN = ["scenario_off", "no_team", "not_spokesperson", "step_moved", "held", "invalid_option"];
const SHARED = ["not_open", "team_unknown", "unavailable", "rate_limited", "invalid_transition", "bad_request"];

export class ScenarioPanel {
  /** `send(message)`: whether it went out; `changed()`: the page should render again;
   * `language()`: [the bank language to show, the bank's default language]. */
  constructor({ send, changed, language }) {
    this.send = send;
    this.changed = changed;
    this.language = language;
    this.state = null; // the `scenario` object as this phone may see it
    this.pending = null; // {step, visit, option}: a vote sent and not acknowledged yet
    this.spokesperson = false; // the toggle, before a team is chosen
    this.choosing = false; // the phone asked to change its team
    this.note = null; // {kind, text}: what the last request came to
    this.waiting = 0; // requests sent and not answered yet
  }

  /** Whether an exercise is running: the page shows it instead of the questions. */
  get active() {
    return Boolean(this.state && this.state.status === "running");
  }

  onScenario(state) {
    const before = this.track();
    heard(state); // the server's clock, for the time left before an inject moves on
    this.state = state || null;
    const track = this.track();
    if (before && (!track || before.step !== track.step || before.visit !== track.visit)) {
      // The track moved on: what was said about the last step (and a continue sent) is over.
      this.note = null;
      this.waiting = 0;
    }
    if (this.pending && (!track || track.step !== this.pending.step || track.visit !== this.pending.visit || track.status !== "open")) this.pending = null;
    if (this.pending && this.vote() === this.pending.option) this.pending = null;
    if (this.member()) this.choosing = this.choosing && this.state.mode === "teams";
    this.changed();
  }

  /** A reconnect: a vote not acknowledged before the connection dropped goes out again. */
  resend() {
    if (this.pending) this.request({ type: "scenario_vote", ...this.pending });
  }

  /** Send a request that the server answers (or refuses); whether it went out. */
  request(message) {
    const sent = this.send(message);
    if (sent) this.waiting += 1;
    return sent;
  }

  onMember(message) {
    this.waiting = Math.max(0, this.waiting - 1);
    if (!this.state) return;
    this.state.member = { team: message.team, spokesperson: Boolean(message.spokesperson) };
    this.choosing = false;
    this.note = null;
    this.changed();
  }

  onVoted(message) {
    this.waiting = Math.max(0, this.waiting - 1);
    if (!this.state) return;
    this.state.vote = message.option;
    if (this.pending && this.pending.option === message.option) this.pending = null;
    this.note = null;
    this.changed();
  }

  /** Take an error meant for the exercise; false when it is not one. */
  takeError(message) {
    const code = message.code;
    if (!this.state || (OWN.indexOf(code) === -1 && !(this.waiting && SHARED.indexOf(code) !== -1))) return false;
    this.waiting = Math.max(0, this.waiting - 1);
    this.pending = null;
    const texts = {
      not_spokesperson: () => t("scenario.notSpokesperson"),
      step_moved: () => t("scenario.stepMoved"),
      not_open: () => t("scenario.closedDetail"),
      held: () => t("scenario.heldDetail"),
      no_team: () => t("scenario.chooseTeamFirst"),
      team_unknown: () => t("scenario.teamUnknown"),
      unavailable: () => t("join.errorUnavailable"),
    };
    this.note = { kind: "error", text: (texts[message.code] || (() => t("join.errorInvalid")))() };
    this.changed();
    return true;
  }

  member() {
    const member = this.state && this.state.member;
    if (!member) return null;
    return typeof member === "string" ? { team: member, spokesperson: false } : member;
  }

  /** The track this phone follows: the room's, or its team's. */
  track() {
    if (!this.state || !this.state.tracks) return null;
    const tracks = this.state.tracks;
    if (this.state.mode !== "teams") return tracks.room || Object.values(tracks)[0] || null;
    const member = this.member();
    return member ? tracks[member.team] || null : null;
  }

  vote() {
    return this.state && this.state.vote !== undefined ? this.state.vote : null;
  }

  /** What the card shows, so that the page rebuilds it only when that changes. */
  key() {
    const track = this.track();
    const member = this.member();
    const where = track ? `${track.step}|${track.visit}|${track.status}|${track.history ? track.history.length : 0}|${track.deadline}` : "";
    const who = member ? `${member.team}|${member.spokesperson}` : "";
    return `${this.language().join(",")}|${who}|${this.choosing}|${where}|${this.vote()}|${JSON.stringify(this.pending)}|${this.note ? this.note.text : ""}|${this.state && this.state.hold}`;
  }

  /** The exercise's card. */
  element() {
    const member = this.member();
    if (this.state.mode === "teams" && (!member || this.choosing)) return this.teamCard(member);
    const track = this.track();
    const [lang, fallback] = this.language();
    const step = track && stepOf(this.state, track.step);
    const parts = [];
    if (member) parts.push(this.memberLine(member));
    if (!step) return this.card(parts.concat(el("p", { class: "message-detail", text: t("scenario.waiting") })));
    const ended = track.status === "ended" || isEnding(step);
    const status = ended ? "ended" : track.status;
    parts.push(el("p", { class: "state", "data-state": status === "open" ? "open" : "closed", id: "scenario-status", text: ended ? t("scenario.ending") : statusText(status) }));
    if (!ended) parts.push(moveOnTimer(track, { id: "scenario-countdown" }));
    const last = lastDecision(track);
    const earlier = last ? stepOf(this.state, last.step) : null;
    if (earlier) parts.push(this.bankText("p", { class: "note scenario-chosen" }, t("scenario.chosen", { option: optionLabel(earlier, last.choice, lang, fallback) })));
    parts.push(this.bankText("h2", { class: "prompt", id: "prompt" }, pick(step.title, lang, fallback)));
    parts.push(stepBody(step, lang, fallback), picture(step.image, "phone", lang, fallback));
    if (step.kind === "decision" && !ended) parts.push(this.options(step, track));
    else if (!ended && track.status === "reading" && this.state.mode === "teams") parts.push(this.continueButton(track));
    else if (!ended && track.status === "reading") parts.push(el("p", { class: "hint", text: t("scenario.facilitatorGoesOn") }));
    if (ended) parts.push(el("p", { class: "hint", text: t("scenario.endDetail") }));
    if (track.status === "held" && step.kind !== "decision") parts.push(el("p", { class: "hint", text: t("scenario.heldDetail") }));
    parts.push(this.feedback(step, track));
    return this.card(parts, ended ? "is-ending" : `is-${step.kind}`);
  }

  card(parts, className = "") {
    return el("section", { class: `card question scenario ${className}`, id: "scenario" }, parts);
  }

  bankText(tag, props, text) {
    const node = el(tag, { ...props, text });
    setLanguage(node, this.language()[0]);
    return node;
  }

  memberLine(member) {
    return el(
      "p",
      { class: "scenario-member" },
      el("bdi", { class: "scenario-team", text: member.spokesperson ? t("scenario.teamSpokesperson", { team: member.team }) : t("scenario.teamName", { team: member.team }) }),
      " ",
      el("button", {
        type: "button",
        class: "link-button",
        text: t("scenario.changeTeam"),
        onclick: () => {
          this.choosing = true;
          this.spokesperson = member.spokesperson;
          this.changed();
        },
      }),
    );
  }

  /** Teams mode: the facilitator's teams as buttons, and the spokesperson toggle. */
  teamCard(member) {
    const teams = this.state.teams || [];
    const spokes = this.state.decide === "spokesperson";
    const toggle = spokes
      ? el(
          "label",
          { class: "check scenario-spokes" },
          el("input", {
            type: "checkbox",
            id: "scenario-spokesperson",
            checked: this.spokesperson,
            onchange: (event) => {
              this.spokesperson = event.target.checked;
            },
          }),
          " ",
          el("span", { text: t("scenario.spokespersonLabel") }),
        )
      : null;
    const buttons = teams.map((team) =>
      el("button", {
        type: "button",
        class: "choice",
        "data-value": team,
        "aria-pressed": String(Boolean(member && member.team === team)),
        // The page's direction for the button (its mark on the reading side), the name isolated.
        dir: document.documentElement.dir === "rtl" ? "rtl" : "ltr",
        onclick: () => {
          const message = { type: "scenario_team", team };
          if (spokes) message.spokesperson = this.spokesperson;
          this.note = this.request(message) ? { kind: "pending", text: t("join.sending") } : { kind: "error", text: t("join.notSent") };
          this.changed();
        },
      }, el("bdi", { text: team })),
    );
    return this.card([
      el("p", { class: "state", "data-state": "join", text: t("scenario.exercise") }),
      el("h2", { class: "prompt", id: "prompt", text: t("scenario.chooseTeam") }),
      el("p", { class: "hint", id: "hint", text: spokes ? t("scenario.spokespersonHint") : t("scenario.majorityHint") }),
      toggle,
      el("div", { class: "choices", role: "group", "aria-labelledby": "prompt", "aria-describedby": "hint" }, buttons),
      this.noteNode(),
    ], "is-team");
  }

  options(step, track) {
    const member = this.member();
    const silent = this.state.decide === "spokesperson" && this.state.mode === "teams" && !(member && member.spokesperson);
    const open = track.status === "open" && !silent;
    const chosen = this.pending ? this.pending.option : this.vote();
    const [lang, fallback] = this.language();
    const list = el(
      "div",
      { class: "choices", role: "group", "aria-labelledby": "prompt", "aria-describedby": "hint" },
      (step.options || []).map((option) =>
        this.bankText("button", {
          type: "button",
          class: "choice",
          "data-value": option.id,
          "aria-pressed": String(chosen === option.id),
          disabled: !open,
          onclick: () => this.choose(step, track, option.id),
        }, pick(option.label, lang, fallback)),
      ),
    );
    let hint = t("join.chooseOne");
    if (silent) hint = t("scenario.spokespersonDecides");
    else if (track.status === "tied") hint = t("scenario.tiedDetail");
    else if (track.status === "held") hint = t("scenario.heldDetail");
    else if (track.status !== "open") hint = t("scenario.closedDetail");
    return [el("p", { class: "hint", id: "hint", text: hint }), list];
  }

  choose(step, track, option) {
    const vote = { step: step.id, visit: track.visit, option };
    this.note = null;
    if (this.request({ type: "scenario_vote", ...vote })) this.pending = vote;
    else this.note = { kind: "error", text: t("join.notSent") };
    this.changed();
  }

  continueButton(track) {
    return el("button", {
      type: "button",
      class: "submit",
      id: "scenario-continue",
      text: t("scenario.continue"),
      onclick: () => {
        this.note = this.request({ type: "scenario_continue", step: track.step, visit: track.visit }) ? { kind: "pending", text: t("join.sending") } : { kind: "error", text: t("join.notSent") };
        this.changed();
      },
    });
  }

  noteNode() {
    const node = el("div", { class: "feedback", id: "scenario-feedback", role: "status", "aria-live": "polite" });
    if (this.note) {
      node.dataset.kind = this.note.kind;
      node.append(el("p", { class: "feedback-title", text: this.note.text }));
    }
    return node;
  }

  /** The vote's state: sending, received (it can still change), or the error. */
  feedback(step, track) {
    if (this.note || step.kind !== "decision") return this.noteNode();
    const node = el("div", { class: "feedback", id: "scenario-feedback", role: "status", "aria-live": "polite" });
    const [lang, fallback] = this.language();
    if (this.pending) {
      node.dataset.kind = "pending";
      node.append(el("p", { class: "feedback-title", text: t("join.sending") }));
    } else if (this.vote() !== null && track.status === "open") {
      node.dataset.kind = "ok";
      node.append(
        el("p", { class: "feedback-title", text: t("scenario.voteReceived") }),
        this.bankText("p", { class: "feedback-answer" }, optionLabel(step, this.vote(), lang, fallback)),
        el("p", { class: "feedback-detail", text: t("scenario.canChange") }),
      );
    }
    return node;
  }
}
