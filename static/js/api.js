// The facilitator's HTTP API: JSON over fetch with the bearer token.
import { askToken, forgetToken, token } from "./auth.js";
import { language, t } from "./i18n.js";

/** An error answer from the API, with its code (e.g. "unauthorized", "not_found"). */
export class ApiError extends Error {
  constructor(status, code, message, body = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

async function request(path, { method = "GET", body } = {}) {
  const headers = { Authorization: `Bearer ${token() || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, "network", t("api.unreachable"));
  }
  if (response.ok) return response;
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    // Not JSON: keep the status text.
  }
  if (response.status === 401) forgetToken();
  throw new ApiError(
    response.status,
    data.error || `http_${response.status}`,
    data.message || response.statusText || t("api.failed", { status: response.status }),
    data,
  );
}

/** Call the API; when the token is refused, ask for it again and retry. */
export async function api(path, options = {}) {
  for (;;) {
    try {
      const response = await request(path, options);
      return await response.json();
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "unauthorized") throw error;
      await askToken(t("auth.refused"));
    }
  }
}

/** The file name a response asks to be saved under (the server names every export the same
 * way for the console, the home page and the command line); else the last part of `path`. */
function savedName(response, path) {
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  return match ? match[1] : path.split("/").pop();
}

/** Download a file that needs the token (an export), under the name the server gives it. */
export async function download(path) {
  for (;;) {
    try {
      const response = await request(path);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = savedName(response, path);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      return;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "unauthorized") throw error;
      await askToken(t("auth.refused"));
    }
  }
}

/** An error from the API or the WebSocket, in the interface language where its code is
 * known (the server's own messages are in English). */
export function errorText(error) {
  switch (error.code) {
    case "network":
      return t("api.unreachable");
    case "invalid_transition":
      return t("errors.invalidTransition");
    case "rate_limited":
      return t("errors.rateLimited");
    case "not_found":
      return t("errors.notFound");
    case "ended":
      return t("errors.ended");
    case "unauthorized":
      return t("auth.refused");
    default:
      return error.message ? t("errors.withDetail", { detail: error.message }) : t("errors.generic");
  }
}

/** The export files of a session: [label, path]; the workbook and the report in the interface language. */
export function exportLinks(session) {
  const base = `/api/sessions/${encodeURIComponent(session.id)}`;
  const lang = `lang=${encodeURIComponent(language() || "en")}`;
  return [
    [t("export.answers"), `${base}/answers.csv`],
    [t("export.summary"), `${base}/summary.csv`],
    [t("export.json"), `${base}/export.json`],
    [t("export.xlsx"), `${base}/export.xlsx?${lang}`],
    [t("export.report"), `${base}/report.html?${lang}`],
    [t("export.qnaCsv"), `${base}/qna.csv`],
    [t("export.qnaJson"), `${base}/qna.json`],
  ];
}
