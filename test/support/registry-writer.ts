// Child process for the registry concurrency test: adds shims for tools named on the command line.
import { Store } from '../../src/store/index.js';
import { updateShimRegistry } from '../../src/link/index.js';

const [root, ...tools] = process.argv.slice(2);
const store = new Store({ root: root!, env: {} });
for (const tool of tools) {
  await updateShimRegistry(store, (registry) => {
    registry[tool] = {};
    registry[`${tool}-helper`] = { context: tool };
  });
}
