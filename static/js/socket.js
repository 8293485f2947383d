// A WebSocket that stays connected: it says hello on every (re)connect, backs off
// with jitter, notices dead connections, and hands each message to a handler by type.

const MAX_DELAY = 5000;
const PING_EVERY = 20000;
const SILENCE_LIMIT = 45000; // two missed pongs: the connection is dead
const WAKE_CHECK = 5000; // after the page wakes up, a ping must be answered this fast

/**
 * Connect to /ws.
 * hello: () => the hello message to send on each connect.
 * handlers: {type: (message) => void}; `default` gets unknown types.
 * onStatus: (connected: boolean) => void.
 */
/** The socket the page opened before its modules loaded (join.html), once, while it is
 * still connecting or open; null otherwise. */
function takeEarly(url) {
  const early = window.pollingSocket;
  delete window.pollingSocket;
  if (!early || early.url !== url) return null;
  return early.readyState === WebSocket.CONNECTING || early.readyState === WebSocket.OPEN ? early : null;
}

export function connect({ hello, handlers, onStatus = () => {} }) {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  let ws = null;
  let attempt = 0;
  let retryTimer = 0;
  let pingTimer = 0;
  let lastHeard = 0;
  let stopped = false;

  function open() {
    clearTimeout(retryTimer);
    if (stopped) return;
    ws = takeEarly(url) || new WebSocket(url);
    const socket = ws;
    socket.onopen = () => {
      lastHeard = Date.now();
      socket.send(JSON.stringify(hello()));
      onStatus(true);
      pingTimer = setInterval(heartbeat, PING_EVERY);
    };
    socket.onmessage = (event) => {
      lastHeard = Date.now();
      attempt = 0;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      const handler = handlers[message.type] || handlers.default;
      if (handler) handler(message);
    };
    socket.onerror = () => socket.close();
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      clearInterval(pingTimer);
      onStatus(false);
      if (stopped) return;
      const delay = Math.min(MAX_DELAY, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      retryTimer = setTimeout(open, delay);
    };
    if (socket.readyState === WebSocket.OPEN) socket.onopen(); // opened early, before the modules
  }

  function heartbeat() {
    if (Date.now() - lastHeard > SILENCE_LIMIT) restart();
    else send({ type: "ping" });
  }

  /** Drop the current connection (if any) and connect again now. */
  function restart() {
    const old = ws;
    ws = null;
    clearInterval(pingTimer);
    if (old) {
      old.onclose = null;
      old.onmessage = null;
      old.close();
      onStatus(false);
    }
    attempt = 0;
    open();
  }

  /** Check the connection right away: reconnect if it is down or does not answer. */
  function wake() {
    if (stopped) return;
    if (!ws || ws.readyState > WebSocket.OPEN) {
      restart();
      return;
    }
    if (ws.readyState !== WebSocket.OPEN) return;
    const asked = Date.now();
    send({ type: "ping" });
    setTimeout(() => {
      if (ws && lastHeard < asked) restart();
    }, WAKE_CHECK);
  }

  /** Send a message now; false when not connected (the caller keeps it for later). */
  function send(message) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  /** Stop for good: no more reconnects. */
  function close() {
    stopped = true;
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    if (ws) ws.close();
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });
  window.addEventListener("online", wake);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) wake();
  });
  open();
  return { send, restart, close, get connected() { return !!ws && ws.readyState === WebSocket.OPEN; } };
}
