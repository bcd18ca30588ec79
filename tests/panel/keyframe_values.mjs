// Used by test_panel_keyframes.py: reads [{keys, locals}] (JSON, argv[2]) and prints the values
// web/panel/keyframes.js computes, to be compared with the engine's.
import { readFileSync } from "node:fs";

import { valueAt } from "../../web/panel/keyframes.js";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
process.stdout.write(JSON.stringify(cases.map(({ keys, locals }) => locals.map((local) => valueAt(keys, local)))));
