// Hands the one-time sign-in code to qualcode's own route, which answers with the HTTP-only
// session cookie (JavaScript never sees the cookie itself). Each code is posted once per page.
const posted = new Set();

export default function (component) {
  const { data } = component;
  if (!data || !data.code || posted.has(data.code)) return;
  posted.add(data.code);
  fetch(data.url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "text/plain" },
    body: data.code,
  }).catch(() => posted.delete(data.code));
}
