// sample: Scanner: JSFuck (only []()!+ characters)
// expect-verdict: block
// expect-findings: obfuscation-jsfuck
//
// JSFuck spells everything with six characters; this one builds the string "false" and
// "true" fragments the way the full encoder reaches Function. Nothing readable survives.
[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(![]+[])[+!+[]]+(!![]+[])[+[]]][([][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(![]+[])[+!+[]]+(!![]+[])[+[]]]+[])[!+[]+!+[]+!+[]]+(!![]+[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(![]+[])[+!+[]]+(!![]+[])[+[]]])[+!+[]+[+[]]]];
