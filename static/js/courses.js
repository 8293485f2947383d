// The home page's courses: create one, list them with their pre and post sessions, and
// choose the course (and the role) of the next session created.
import { api, errorText } from "./api.js";
import { $, el, fill, toast } from "./dom.js";
import { formatDate, language, t } from "./i18n.js";
import { pick } from "./text.js";

let courses = [];

function roleLabel(role) {
  return role === "post" ? t("home.rolePost") : t("home.rolePre");
}

/** The course and role a new session joins: {course, role}, both null outside a course. */
export function courseChoice() {
  const course = $("#course").value || null;
  return { course, role: course ? $("#role").value : null };
}

function courseItem(course) {
  const sessions = course.sessions.map((session) =>
    el(
      "li",
      {},
      el("span", { class: "badge", text: roleLabel(session.role) }),
      " ",
      el("span", { text: pick(session.title, language(), Object.keys(session.title)[0]) }),
      " · ",
      el("span", { class: "session-code", dir: "ltr", text: session.code }),
    ),
  );
  return el(
    "li",
    { class: "course", "data-course": course.id },
    el("div", { class: "course-head" }, el("b", { dir: "auto", text: course.name }), " ", el("span", { class: "muted", text: formatDate(course.created) })),
    sessions.length ? el("ul", { class: "course-sessions" }, sessions) : el("p", { class: "muted", text: t("home.courseEmpty") }),
    el("a", { class: "button", href: `/course/${encodeURIComponent(course.id)}`, text: t("home.courseResults") }),
  );
}

/** Load the courses: the list and the choice for a new session (the chosen one kept). */
export async function loadCourses() {
  try {
    ({ courses } = await api("/api/courses"));
  } catch (error) {
    toast(errorText(error));
    return;
  }
  $("#courses-status").hidden = courses.length > 0;
  fill($("#courses"), courses.map(courseItem));
  const select = $("#course");
  const chosen = select.value;
  fill(select, [el("option", { value: "", text: t("home.noCourse") }), ...courses.map((c) => el("option", { value: c.id, dir: "auto", text: c.name }))]);
  select.value = courses.some((c) => c.id === chosen) ? chosen : "";
  $("#role").disabled = !select.value;
}

async function createCourse(event) {
  event.preventDefault();
  const name = $("#course-name").value.trim();
  if (!name) {
    $("#course-name").focus();
    return;
  }
  try {
    const course = await api("/api/courses", { method: "POST", body: { name } });
    $("#course-name").value = "";
    await loadCourses();
    $("#course").value = course.id; // the next session goes into the new course
    $("#role").disabled = false;
  } catch (error) {
    toast(errorText(error));
  }
}

export function wireCourses() {
  $("#course-form").addEventListener("submit", createCourse);
  $("#course").addEventListener("change", () => {
    $("#role").disabled = !$("#course").value;
  });
}
