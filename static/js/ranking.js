// The answer form of a ranking question on a phone: tap the options in the order you choose,
// then move any of them up or down (buttons, or the arrow keys on a focused item), drag it by
// its grip to another place, or take it out again. The buttons do everything, so it works by
// touch, keyboard and screen reader alike; dragging (pointer events) is a shortcut on top.
import { el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

/**
 * Build the form into `body`.
 * ctx: { question, text(label), inLanguage(node), readOnly, start (a list of option ids, maybe
 * partial), sendLabel, onChange(order), onSubmit(order) }.
 */
export function rankingForm(body, ctx) {
  const { question, text, inLanguage, readOnly } = ctx;
  const ids = question.options.map((option) => option.id);
  const labels = {};
  for (const option of question.options) labels[option.id] = text(option.label);
  const start = Array.isArray(ctx.start) ? ctx.start : [];
  let order = start.filter((id, index) => ids.indexOf(id) !== -1 && start.indexOf(id) === index);

  const orderList = el("ol", { class: "rank-order", "aria-labelledby": "rank-order-title" });
  const pool = el("div", { class: "choices rank-pool", role: "group", "aria-labelledby": "rank-pool-title" });
  const poolTitle = el("p", { class: "rank-title", id: "rank-pool-title", text: t("join.rankLeft") });
  const said = el("p", { class: "visually-hidden", "aria-live": "polite" });
  const send = el("button", { type: "submit", class: "submit", text: ctx.sendLabel });

  const place = (id) => formatNumber(order.indexOf(id) + 1);
  const announce = (id) => {
    said.textContent = t("join.rankMoved", { label: labels[id], place: place(id), count: formatNumber(ids.length) });
  };

  /** Redraw after a change; `focus` names what keeps the keyboard focus: [kind, option id]. */
  function draw(focus) {
    fill(orderList, order.map((id, index) => orderItem(id, index)));
    const left = ids.filter((id) => order.indexOf(id) === -1);
    fill(
      pool,
      left.map((id) =>
        inLanguage(
          el("button", {
            type: "button",
            class: "choice rank-pick",
            "data-value": id,
            disabled: readOnly,
            text: labels[id],
            onclick: () => change(order.concat([id]), ["pick", id]),
          }),
        ),
      ),
    );
    poolTitle.hidden = left.length === 0;
    pool.hidden = left.length === 0;
    send.disabled = readOnly || order.length !== ids.length;
    if (focus) restoreFocus(focus, left);
  }

  function orderItem(id, index) {
    const item = el(
      "li",
      { class: "rank-item", "data-value": id },
      el("span", { class: "rank-place", "aria-hidden": "true", text: formatNumber(index + 1) }),
      inLanguage(el("span", { class: "rank-label", text: labels[id] })),
    );
    if (readOnly) return item;
    const move = (step) => {
      const to = index + step;
      if (to < 0 || to >= order.length) return;
      const next = order.slice();
      next.splice(index, 1);
      next.splice(to, 0, id);
      change(next, [step < 0 ? "up" : "down", id]);
    };
    const button = (kind, label, symbol, action, off) =>
      el("button", {
        type: "button",
        class: `rank-button rank-${kind}`,
        "data-kind": kind,
        "aria-label": label,
        disabled: off,
        text: symbol,
        onclick: action,
      });
    const grip = el("span", { class: "rank-grip", "aria-hidden": "true", text: "\u283f" });
    grip.addEventListener("pointerdown", (event) => drag(event, id, item, grip));
    item.prepend(grip);
    item.append(
      button("up", t("join.moveUp", { label: labels[id] }), "\u2191", () => move(-1), index === 0),
      button("down", t("join.moveDown", { label: labels[id] }), "\u2193", () => move(1), index === order.length - 1),
      button("remove", t("join.rankRemove", { label: labels[id] }), "\u00d7", () => change(order.filter((o) => o !== id), ["pool", id]), false),
    );
    // The arrow keys move the focused item, whichever of its buttons has the focus.
    item.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      event.preventDefault();
      move(event.key === "ArrowUp" ? -1 : 1);
    });
    return item;
  }

  /** Follow a finger or mouse holding an item's grip; on release, put the item where it is. */
  function drag(event, id, item, grip) {
    event.preventDefault();
    const startY = event.clientY;
    if (grip.setPointerCapture) grip.setPointerCapture(event.pointerId);
    item.classList.add("dragging");
    const follow = (moved) => {
      item.style.transform = `translateY(${moved.clientY - startY}px)`;
    };
    const end = (last, drop) => {
      grip.removeEventListener("pointermove", follow);
      grip.removeEventListener("pointerup", release);
      grip.removeEventListener("pointercancel", cancel);
      item.style.transform = "";
      item.classList.remove("dragging");
      if (!drop) return;
      // The new place: before the first other item whose middle is below the pointer.
      const others = Array.from(orderList.children).filter((other) => other !== item);
      let to = others.findIndex((other) => {
        const box = other.getBoundingClientRect();
        return last.clientY < box.top + box.height / 2;
      });
      if (to === -1) to = others.length;
      const next = order.filter((other) => other !== id);
      next.splice(to, 0, id);
      if (next.join("\n") !== order.join("\n")) change(next, [to < order.indexOf(id) ? "up" : "down", id]);
    };
    const release = (up) => end(up, true);
    const cancel = (up) => end(up, false);
    grip.addEventListener("pointermove", follow);
    grip.addEventListener("pointerup", release);
    grip.addEventListener("pointercancel", cancel);
  }

  function change(next, focus) {
    order = next;
    ctx.onChange(order.slice());
    draw(focus);
    const [kind, id] = focus;
    if (kind !== "pool") announce(id);
  }

  function restoreFocus([kind, id], left) {
    let target = null;
    if (kind === "up" || kind === "down") {
      const item = orderList.querySelector(`[data-value="${id}"]`);
      const wanted = item && item.querySelector(`[data-kind="${kind}"]`);
      // At the top or bottom that button is disabled: the other one keeps the focus.
      target = wanted && !wanted.disabled ? wanted : item && item.querySelector("[data-kind]:not(:disabled)");
    } else if (left.length) {
      target = pool.querySelector(".rank-pick");
    } else if (!send.disabled) {
      target = send;
    }
    if (target) target.focus();
  }

  const form = el(
    "form",
    { class: "answer-form ranking" },
    el("p", { class: "rank-title", id: "rank-order-title", text: t("join.rankOrder") }),
    orderList,
    poolTitle,
    pool,
    said,
    readOnly ? null : send,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (order.length === ids.length) ctx.onSubmit(order.slice());
  });
  body.append(form);
  draw(null);
}

/** An order of options in words: "1. Refuse, 2. Record, 3. Report". */
export function describeOrder(order, label, list) {
  return list(order.map((id, index) => `${formatNumber(index + 1)}. ${label(id)}`));
}
