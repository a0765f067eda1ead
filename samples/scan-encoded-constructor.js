// sample: Scanner: constructor chain hidden behind encodings
// expect-verdict: block
// expect-findings: constructor-chain, eval-indirect
//
// Four spellings of the same escape. None of them contains the word "constructor" or
// "eval" in plain text; the scanner folds the strings and reports what they resolve to.
const c1 = String.fromCharCode(99, 111, 110, 115, 116, 114, 117, 99, 116, 111, 114);
const c2 = atob("Y29uc3RydWN0b3I=");
const c3 = "rotcurtsnoc".split("").reverse().join("");
const c4 = ["con", "str", "uct", "or"].join("");

const viaCharCodes = (() => {})[c1][c2]("return 1");
const viaReflect = Reflect.get(Reflect.get({}, c3), c4);
const g = globalThis["ev" + "al"];
({ viaCharCodes: typeof viaCharCodes, viaReflect: typeof viaReflect, g: typeof g });
