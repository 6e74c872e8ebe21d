/* The condition language's evaluator for the browser: the same JSON trees and the same
   results as webapp/definitions/expressions.py (tests/expression_vectors.json is run by
   both). Total: any answers give a value, never an exception. */
(function (root) {
  "use strict";
  var MAX_DEPTH = 120;

  function isNumber(v) { return typeof v === "number" && isFinite(v); }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  function equal(a, b) {
    if (isNumber(a) && isNumber(b)) return a === b;
    if (a === null || b === null) return a === b;
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
      return true;
    }
    if (isObject(a) || isObject(b)) return false;
    return typeof a === typeof b && a === b;
  }

  function order(op, a, b) {
    var ok = (isNumber(a) && isNumber(b)) || (typeof a === "string" && typeof b === "string");
    if (!ok) return false;
    if (op === "<") return a < b;
    if (op === "<=") return a <= b;
    if (op === ">") return a > b;
    return a >= b;
  }

  function answered(v, depth) {
    depth = depth || 0;
    if (v === null || v === undefined || depth > 40) return false;
    if (typeof v === "string") return v.trim() !== "";
    if (Array.isArray(v)) {
      return v.some(function (item) {
        if (isObject(item)) {
          return Object.keys(item).some(function (k) { return answered(item[k], depth + 1); });
        }
        return answered(item, depth + 1);
      });
    }
    return true;
  }

  /* A list item that counts: a table row with any value, or a given value. A row with
     no value (the empty starter row on screen) is not a row, as on the server. */
  function given(item) {
    if (isObject(item)) {
      return Object.keys(item).some(function (k) { return answered(item[k], 1); });
    }
    return answered(item, 1);
  }

  function evaluate(node, answers, row, depth) {
    depth = depth || 0;
    if (!isObject(node) || depth > MAX_DEPTH) return null;
    if ("lit" in node) return node.lit === undefined ? null : node.lit;
    if ("ref" in node) {
      if (typeof node.ref !== "string") return null;
      if (row && isObject(row) && Object.prototype.hasOwnProperty.call(row, node.ref)) {
        return row[node.ref] === undefined ? null : row[node.ref];
      }
      if (!isObject(answers)) return null;
      var v = answers[node.ref];
      return v === undefined ? null : v;
    }
    var args = node.args;
    if (!Array.isArray(args)) return null;
    if ("op" in node) {
      var op = node.op;
      if (op === "and") return args.every(function (a) { return evaluate(a, answers, row, depth + 1) === true; });
      if (op === "or") return args.some(function (a) { return evaluate(a, answers, row, depth + 1) === true; });
      if (op === "not" && args.length === 1) return evaluate(args[0], answers, row, depth + 1) !== true;
      if (args.length !== 2) return null;
      var a = evaluate(args[0], answers, row, depth + 1);
      var b = evaluate(args[1], answers, row, depth + 1);
      if (op === "==") return equal(a, b);
      if (op === "!=") return !equal(a, b);
      if (op === "<" || op === "<=" || op === ">" || op === ">=") return order(op, a, b);
      if (op === "in" || op === "not in") {
        var items = b === null ? [] : b;
        if (!Array.isArray(items)) return false;
        var found = items.some(function (item) { return equal(a, item); });
        return op === "in" ? found : !found;
      }
      return null;
    }
    if ("call" in node) return call(node.call, args, answers, row, depth);
    return null;
  }

  function call(name, args, answers, row, depth) {
    if ((name === "answered" || name === "count") && args.length === 1) {
      var value = evaluate(args[0], answers, row, depth + 1);
      if (name === "answered") return answered(value);
      if (Array.isArray(value)) return value.filter(given).length;
      return answered(value) ? 1 : 0;
    }
    if ((name === "any" || name === "all") && args.length === 2) {
      var rows = evaluate(args[0], answers, row, depth + 1);
      if (!Array.isArray(rows)) return name === "all" && rows === null;
      var test = function (r) { return isObject(r) && evaluate(args[1], answers, r, depth + 1) === true; };
      var counted = rows.filter(given);
      return name === "any" ? counted.some(test) : counted.every(test);
    }
    return null;
  }

  function holds(tree, answers, row) {
    if (tree === null || tree === undefined) return true;
    return evaluate(tree, answers, row || null, 0) === true;
  }

  var api = { evaluate: evaluate, holds: holds, answered: answered, given: given };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.KedjekollConditions = api;
})(this);
