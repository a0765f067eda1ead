// expect: category=obfuscation min=80 context=plugin,package
// why: identifiers are written with \u escapes so `eval` and `require` never appear literally.
const \u0072un = \u0065\u0076\u0061\u006c;
const \u006doduleName = '\u0063\u0068\u0069\u006c\u0064\u005f\u0070\u0072\u006f\u0063\u0065\u0073\u0073';

\u0072un("\u0072equire('" + \u006doduleName + "').exec('id')");
