// Starts the app; a file of its own because the page's Content-Security-Policy runs no inline script.
// `/app.js` is the first-load module (the landing page, the inspect tree, tags). What loads the module with
// every page comes only when it is needed, from `/load-all-pages.js`.
import init from "/app.js";

globalThis.strataAllPages = (name, ...args) =>
  import("/load-all-pages.js").then((loader) => loader[name](...args));

init().catch((error) => {
  const alert = document.createElement("div");
  alert.setAttribute("role", "alert");
  alert.className = "error";
  alert.textContent = "Strata could not start in this browser: " + error;
  document.body.append(alert);
});
