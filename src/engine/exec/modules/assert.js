// Host module `assert`: Node's assertions (ok, equal, strictEqual, deepEqual,
// deepStrictEqual and their negations, throws, doesNotThrow, rejects, doesNotReject, match,
// doesNotMatch, fail, ifError, `assert.strict`) with Node's AssertionError shape (code
// ERR_ASSERTION, actual, expected, operator, generatedMessage). Generated messages name the
// values as util.inspect shows them; Node's line-by-line diff of objects is summarised.
(function (host, require, module) {
  'use strict';
  const util = require('util');
  const inspect = util.inspect;
  const isDeepEqual = util[Symbol.for('sandbench.util.deepEqual')];

  const kReadableOperator = {
    deepStrictEqual: 'Expected values to be strictly deep-equal:',
    strictEqual: 'Expected values to be strictly equal:',
    strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
    deepEqual: 'Expected values to be loosely deep-equal:',
    notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
    notStrictEqual: 'Expected "actual" to be strictly unequal to:',
    notStrictEqualObject: 'Expected "actual" not to be reference-equal to "expected":',
    notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
    notIdentical: 'Values identical but not reference-equal:',
    notDeepEqualUnequal: 'Expected values not to be loosely deep-equal:',
  };
  const show = (v) => inspect(v, { compact: false, customInspect: false, depth: 1000, maxArrayLength: Infinity, sorted: true, getters: true });

  function generated(actual, expected, operator) {
    if (operator === 'deepStrictEqual' || operator === 'strictEqual' || operator === 'deepEqual') {
      const a = show(actual).split('\n');
      const e = show(expected).split('\n');
      const header = kReadableOperator[operator === 'strictEqual' && typeof actual === 'object' && actual !== null && typeof expected === 'object' && expected !== null ? 'strictEqualObject' : operator];
      if (a.length === 1 && e.length === 1 && a[0] !== e[0] && (typeof actual !== 'object' || actual === null) && (typeof expected !== 'object' || expected === null)) {
        return header + '\n\n' + a[0] + ' !== ' + e[0] + '\n';
      }
      let out = header + '\n+ actual - expected\n';
      if (a.join('\n') === e.join('\n')) return kReadableOperator.notIdentical + '\n\n' + a.join('\n') + '\n';
      for (const line of a) out += '\n+ ' + line;
      for (const line of e) out += '\n- ' + line;
      return out;
    }
    if (operator === 'notDeepStrictEqual' || operator === 'notStrictEqual' || operator === 'notDeepEqual') {
      const a = show(actual);
      let key = operator;
      if (operator === 'notStrictEqual' && typeof actual === 'object' && actual !== null) key = 'notStrictEqualObject';
      if (a.includes('\n')) return kReadableOperator[key] + '\n\n' + a + '\n';
      return kReadableOperator[key] + ' ' + a;
    }
    return inspect(actual) + ' ' + operator + ' ' + inspect(expected);
  }

  class AssertionError extends Error {
    constructor(options) {
      if (options === null || typeof options !== 'object') {
        const e = new TypeError('The "options" argument must be of type object.');
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      const { message, operator, stackStartFn } = options;
      const { actual, expected } = options;
      if (message != null) {
        // Node 20 follows a custom message with the values' comparison for these two.
        let text = String(message);
        if (operator === 'strictEqual' || operator === 'deepStrictEqual') {
          const g = generated(actual, expected, operator);
          const cut = g.indexOf('\n');
          if (cut !== -1 && !g.startsWith(kReadableOperator.notIdentical)) text += g.slice(cut);
        }
        super(text);
      } else {
        super(generated(actual, expected, operator));
      }
      void stackStartFn;
      this.generatedMessage = message == null;
      Object.defineProperty(this, 'name', { value: 'AssertionError [ERR_ASSERTION]', enumerable: false, writable: true, configurable: true });
      this.code = 'ERR_ASSERTION';
      this.actual = actual;
      this.expected = expected;
      this.operator = operator;
      // Node sets `name` for the stack trace, then deletes it so that the prototype's shows.
      delete this.name;
    }
    toString() {
      return this.name + ' [' + this.code + ']: ' + this.message;
    }
    [Symbol.for('nodejs.util.inspect.custom')](recurseTimes, ctx) {
      return inspect(this, Object.assign({}, ctx, { customInspect: false, depth: 0 }));
    }
  }
  Object.defineProperty(AssertionError.prototype, 'name', { value: 'AssertionError', writable: true, configurable: true });

  function innerFail(obj) {
    if (obj.message instanceof Error) throw obj.message;
    throw new AssertionError(obj);
  }

  function argType(name, what, v) {
    const e = new TypeError('The "' + name + '" argument must be ' + what + '. Received ' + (v === null ? 'null' : typeof v === 'object' ? 'an instance of ' + ((v.constructor && v.constructor.name) || 'Object') : 'type ' + typeof v + ' (' + inspect(v) + ')'));
    e.code = 'ERR_INVALID_ARG_TYPE';
    return e;
  }

  function innerOk(fn, argLen, value, message) {
    if (!value) {
      let generatedMessage = false;
      if (argLen === 0) {
        generatedMessage = true;
        message = 'No value argument passed to `assert.ok()`';
      } else if (message == null) {
        generatedMessage = true;
        message = 'The expression evaluated to a falsy value:\n\n  assert' + (fn === assert ? '' : '.ok') + '(' + inspect(value) + ')\n';
      } else if (message instanceof Error) {
        throw message;
      }
      const err = new AssertionError({ actual: value, expected: true, message, operator: '==', stackStartFn: fn });
      err.generatedMessage = generatedMessage;
      throw err;
    }
  }

  function assert(...args) {
    innerOk(assert, args.length, ...args);
  }
  function ok(...args) {
    innerOk(ok, args.length, ...args);
  }

  function fail(actual, expected, message, operator, stackStartFn) {
    const argsLen = arguments.length;
    let internalMessage = false;
    if (actual == null && argsLen <= 1) {
      internalMessage = true;
      message = 'Failed';
    } else if (argsLen === 1) {
      message = actual;
      actual = undefined;
    } else {
      if (argsLen === 2) operator = '!=';
    }
    if (message instanceof Error) throw message;
    const errArgs = { actual, expected, operator: operator === undefined ? 'fail' : operator, stackStartFn: stackStartFn || fail, message };
    const err = new AssertionError(errArgs);
    if (internalMessage) err.generatedMessage = true;
    throw err;
  }

  function missing(n) {
    const e = new TypeError('The "actual" and "expected" arguments must be specified');
    e.code = 'ERR_MISSING_ARGS';
    return e;
  }

  // The assertion `name` of two values: fails (reported as `operator`) when `fails` says so.
  // A function expression, named by its key, as Node's assertions are plain functions (a
  // `prototype`, callable with `new`), not methods.
  function comparison(name, operator, fails) {
    const assertion = {
      [name]: function (actual, expected, message) {
        if (arguments.length < 2) throw missing();
        if (fails(actual, expected)) innerFail({ actual, expected, message, operator, stackStartFn: assertion });
      },
    }[name];
    return assertion;
  }
  const bothNaN = (a, e) => Number.isNaN(a) && Number.isNaN(e);
  const equal = comparison('equal', '==', (a, e) => a != e && !bothNaN(a, e));
  const notEqual = comparison('notEqual', '!=', (a, e) => a == e || bothNaN(a, e));
  const strictEqual = comparison('strictEqual', 'strictEqual', (a, e) => !Object.is(a, e));
  const notStrictEqual = comparison('notStrictEqual', 'notStrictEqual', (a, e) => Object.is(a, e));
  const deepEqual = comparison('deepEqual', 'deepEqual', (a, e) => !isDeepEqual(a, e, false));
  const notDeepEqual = comparison('notDeepEqual', 'notDeepEqual', (a, e) => isDeepEqual(a, e, false));
  const deepStrictEqual = comparison('deepStrictEqual', 'deepStrictEqual', (a, e) => !isDeepEqual(a, e, true));
  const notDeepStrictEqual = comparison('notDeepStrictEqual', 'notDeepStrictEqual', (a, e) => isDeepEqual(a, e, true));

  // ---------------------------------------------------------------- throws & rejects
  const NO_EXCEPTION = {};
  function getActual(fn) {
    if (typeof fn !== 'function') throw argType('fn', 'of type function', fn);
    try {
      fn();
    } catch (e) {
      return e;
    }
    return NO_EXCEPTION;
  }
  async function waitForActual(promiseFn) {
    let resultPromise;
    if (typeof promiseFn === 'function') {
      resultPromise = promiseFn();
      if (!(resultPromise instanceof Promise) && !(resultPromise && typeof resultPromise.then === 'function')) {
        const e = new TypeError('Expected instance of Promise to be returned from the "promiseFn" function but got ' + (resultPromise === undefined ? 'undefined' : 'type ' + typeof resultPromise) + '.');
        e.code = 'ERR_INVALID_RETURN_VALUE';
        throw e;
      }
    } else if (promiseFn instanceof Promise || (promiseFn && typeof promiseFn.then === 'function')) {
      resultPromise = promiseFn;
    } else {
      throw argType('promiseFn', 'of type function or an instance of Promise', promiseFn);
    }
    try {
      await resultPromise;
    } catch (e) {
      return e;
    }
    return NO_EXCEPTION;
  }

  function compareExceptionKey(actual, expected, key, message, keys, fn) {
    if (!(key in actual) || !isDeepEqual(actual[key], expected[key], true)) {
      if (!message) {
        const a = {};
        const b = {};
        for (const k of keys) {
          if (k in actual) a[k] = actual[k];
          b[k] = expected[k];
        }
        const err = new AssertionError({ actual: a, expected: b, operator: 'deepStrictEqual', stackStartFn: fn });
        err.actual = actual;
        err.expected = expected;
        err.operator = fn.name;
        throw err;
      }
      innerFail({ actual, expected, message, operator: fn.name, stackStartFn: fn });
    }
  }

  function expectedException(actual, expected, message, fn) {
    let generatedMessage = false;
    let throwError = false;
    if (typeof expected !== 'function') {
      if (util.types.isRegExp(expected)) {
        const str = String(actual);
        if (expected.exec(str) !== null) return;
        if (!message) {
          generatedMessage = true;
          message = 'The input did not match the regular expression ' + inspect(expected) + '. Input:\n\n' + inspect(str) + '\n';
        }
        throwError = true;
      } else if (typeof actual !== 'object' || actual === null) {
        const err = new AssertionError({ actual, expected, message, operator: 'deepStrictEqual', stackStartFn: fn });
        err.operator = fn.name;
        throw err;
      } else {
        const keys = Object.keys(expected);
        if (expected instanceof Error) keys.push('name', 'message');
        else if (keys.length === 0) {
          const e = new TypeError("The argument 'error' may not be an empty object. Received {}");
          e.code = 'ERR_INVALID_ARG_VALUE';
          throw e;
        }
        for (const key of keys) {
          if (typeof actual[key] === 'string' && util.types.isRegExp(expected[key]) && expected[key].exec(actual[key]) !== null) continue;
          compareExceptionKey(actual, expected, key, message, keys, fn);
        }
        return;
      }
    } else if (expected.prototype !== undefined && actual instanceof expected) {
      return;
    } else if (Error.isPrototypeOf(expected) || expected === Error) {
      if (!message) {
        generatedMessage = true;
        message = 'The error is expected to be an instance of "' + expected.name + '". Received ';
        if (actual instanceof Error) message += '"' + actual.name + '"';
        else message += '"' + inspect(actual, { depth: -1 }) + '"';
        if (actual && actual.message) message += '\n\nError message:\n\n' + actual.message;
      }
      throwError = true;
    } else {
      const res = Reflect.apply(expected, {}, [actual]);
      if (res !== true) {
        if (!message) {
          generatedMessage = true;
          const name = expected.name ? '"' + expected.name + '" ' : '';
          message = 'The ' + name + 'validation function is expected to return "true". Received ' + inspect(res);
          if (actual instanceof Error) message += '\n\nCaught error:\n\n' + actual;
        }
        throwError = true;
      }
    }
    if (throwError) {
      const err = new AssertionError({ actual, expected, message, operator: fn.name, stackStartFn: fn });
      err.generatedMessage = generatedMessage;
      throw err;
    }
  }

  function expectsError(stackStartFn, actual, error, message) {
    if (typeof error === 'string') {
      if (arguments.length === 4) throw argType('error', 'of type function or an instance of Error, RegExp, or Object', error);
      message = error;
      error = undefined;
    } else if (error != null && typeof error !== 'object' && typeof error !== 'function') {
      throw argType('error', 'of type function or an instance of Error, RegExp, or Object', error);
    }
    if (actual === NO_EXCEPTION) {
      let details = '';
      if (error && error.name) details += ' (' + error.name + ')';
      details += message ? ': ' + message : '.';
      const fnType = stackStartFn === assert.rejects ? 'rejection' : 'exception';
      innerFail({ actual: undefined, expected: error, operator: stackStartFn.name, message: 'Missing expected ' + fnType + details, stackStartFn });
    }
    if (!error) return;
    expectedException(actual, error, message, stackStartFn);
  }

  function expectsNoError(stackStartFn, actual, error, message) {
    if (actual === NO_EXCEPTION) return;
    if (typeof error === 'string') {
      message = error;
      error = undefined;
    }
    if (!error || (typeof error === 'function' && error.prototype !== undefined && actual instanceof error)) {
      const details = message ? ': ' + message : '.';
      const fnType = stackStartFn === assert.doesNotReject ? 'rejection' : 'exception';
      innerFail({
        actual,
        expected: error,
        operator: stackStartFn.name,
        message: 'Got unwanted ' + fnType + details + '\nActual message: "' + (actual && actual.message) + '"',
        stackStartFn,
      });
    }
    throw actual;
  }

  function throws(promiseFn, ...args) {
    expectsError(throws, getActual(promiseFn), ...args);
  }
  async function rejects(promiseFn, ...args) {
    expectsError(rejects, await waitForActual(promiseFn), ...args);
  }
  function doesNotThrow(fn, ...args) {
    expectsNoError(doesNotThrow, getActual(fn), ...args);
  }
  async function doesNotReject(fn, ...args) {
    expectsNoError(doesNotReject, await waitForActual(fn), ...args);
  }

  function ifError(err) {
    if (err !== null && err !== undefined) {
      let message = 'ifError got unwanted exception: ';
      if (typeof err === 'object' && typeof err.message === 'string') {
        if (err.message.length === 0 && err.constructor) message += err.constructor.name;
        else message += err.message;
      } else {
        message += inspect(err);
      }
      const newErr = new AssertionError({ actual: err, expected: null, operator: 'ifError', message, stackStartFn: ifError });
      throw newErr;
    }
  }

  function internalMatch(string, regexp, message, fn) {
    if (!util.types.isRegExp(regexp)) throw argType('regexp', 'an instance of RegExp', regexp);
    const match = fn === assert.match;
    if (typeof string !== 'string' || (regexp.exec(string) !== null) !== match) {
      if (message instanceof Error) throw message;
      const generatedMessage = !message;
      message =
        message ||
        (typeof string !== 'string'
          ? 'The "string" argument must be of type string. Received type ' + typeof string + ' (' + inspect(string) + ')'
          : (match ? 'The input did not match the regular expression ' : 'The input was expected to not match the regular expression ') + inspect(regexp) + '. Input:\n\n' + inspect(string) + '\n');
      const err = new AssertionError({ actual: string, expected: regexp, message, operator: fn.name, stackStartFn: fn });
      err.generatedMessage = generatedMessage;
      throw err;
    }
  }
  function match(string, regexp, message) {
    internalMatch(string, regexp, message, match);
  }
  function doesNotMatch(string, regexp, message) {
    internalMatch(string, regexp, message, doesNotMatch);
  }

  function CallTracker() {
    throw new Error('assert.CallTracker is not supported in sandbox');
  }

  Object.assign(assert, {
    ok,
    fail,
    equal,
    notEqual,
    strictEqual,
    notStrictEqual,
    deepEqual,
    notDeepEqual,
    deepStrictEqual,
    notDeepStrictEqual,
    throws,
    doesNotThrow,
    rejects,
    doesNotReject,
    ifError,
    match,
    doesNotMatch,
    AssertionError,
    CallTracker,
  });

  function strict(...args) {
    innerOk(strict, args.length, ...args);
  }
  Object.assign(strict, assert, {
    equal: strictEqual,
    deepEqual: deepStrictEqual,
    notEqual: notStrictEqual,
    notDeepEqual: notDeepStrictEqual,
  });
  assert.strict = strict;
  assert.strict.strict = assert.strict;
  return assert;
});
