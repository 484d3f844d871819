// A Web Worker that reads layers for the page: the layer reader's own module. Jobs posted while it is
// still starting are kept, then handed to the handler the module installs.
import init from "/layer_worker.js";

const early = [];
self.onmessage = (event) => early.push(event);
init().then(() => {
  for (const event of early) {
    self.onmessage(event);
  }
});
