// Starts the app; a file of its own because the page's Content-Security-Policy runs no inline script.
// `/app.js` is the first-load module (the landing page, the inspect tree, tags); the module with every
// page is loaded only when the reader opens one it lacks, and takes the page over in place.
import init from "/app.js";

globalThis.strataLoadAllPages = async () => {
  const allPages = await import("/app_all_pages.js");
  await allPages.default();
};

init().catch((error) => {
  const alert = document.createElement("div");
  alert.setAttribute("role", "alert");
  alert.className = "error";
  alert.textContent = "Strata could not start in this browser: " + error;
  document.body.append(alert);
});
