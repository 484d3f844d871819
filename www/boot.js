// Starts the app; a file of its own because the page's Content-Security-Policy runs no inline script.
import init from "/app.js";

init().catch((error) => {
  const alert = document.createElement("div");
  alert.setAttribute("role", "alert");
  alert.className = "error";
  alert.textContent = "Strata could not start in this browser: " + error;
  document.body.append(alert);
});
