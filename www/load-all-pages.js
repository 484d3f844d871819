// The module with every page and its styles, loaded once, when the first-load module needs them
// (`web/src/hand_over.rs` calls what this exports): to take the page over in place (`mountApp`), or to show
// what only it reads inside the first-load page (`showSupplyChain`).
import init, * as allPages from "/app_all_pages.js";

const styles = new Promise((resolve, reject) => {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "/all-pages.css";
  link.onload = resolve;
  link.onerror = () => reject(new Error("the styles of the full app could not be loaded"));
  document.head.append(link);
});

const ready = Promise.all([init(), styles]);

export async function mountApp() {
  await ready;
  allPages.mount_app();
}

export async function showSupplyChain(element, ...sources) {
  await ready;
  allPages.show_supply_chain(element, ...sources);
}
