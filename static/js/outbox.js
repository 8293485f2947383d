// Answers kept on the phone until the server acknowledges them: a phone that loses the
// network goes on answering, a reload keeps them, and once it is back each is sent with its
// `rev`, so the server stores it once however often it arrives.

export class Outbox {
  /** store: {get, set, remove} over localStorage; code: the session's join code. */
  constructor(store, code) {
    this.store = store;
    this.key = `polling.outbox.${code}`;
    let saved = null;
    try {
      saved = JSON.parse(store.get(this.key));
    } catch (error) {
      saved = null;
    }
    this.answers = (saved && saved.answers) || {}; // question id -> {question, value, lang, rev}
    this.submit = !!(saved && saved.submit); // the questionnaire is to be submitted once the answers are in
  }

  save() {
    if (!Object.keys(this.answers).length && !this.submit) this.store.remove(this.key);
    else this.store.set(this.key, JSON.stringify({ answers: this.answers, submit: this.submit }));
  }

  /** Keep an answer (a newer one replaces the one kept for the same question). */
  put(entry) {
    this.answers[entry.question] = entry;
    this.save();
  }

  get(questionId) {
    return this.answers[questionId] || null;
  }

  /** Every answer kept, in the order they were given. */
  entries() {
    return Object.values(this.answers);
  }

  get size() {
    return Object.keys(this.answers).length;
  }

  /** The server stored `rev` (or a newer one) of this question: drop what it covers. */
  acked(questionId, rev) {
    const kept = this.answers[questionId];
    if (!kept || kept.rev > rev) return false;
    delete this.answers[questionId];
    this.save();
    return true;
  }

  /** The server refused this question's answer for good: keeping it would send it for ever. */
  drop(questionId) {
    delete this.answers[questionId];
    this.save();
  }

  wantSubmit(wanted) {
    this.submit = wanted;
    this.save();
  }
}
