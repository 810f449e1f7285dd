`>
//   // => <column> | <column> ...
//   // => <value> | <value> ...        one line per expected row
//
// Values are written as Cypher literals: strings in single quotes (with \'
// for a quote), integers, floats with a point, true/false/null, lists in
// [...], maps in {k: v} with keys sorted, and dates bare (2016-06-16).
// The rows are compared in order, so every query that returns several rows
// sorts them