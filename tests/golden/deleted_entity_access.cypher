// ENGINE BUG: reading the properties or labels of a deleted node or
// relationship must fail (openCypher TCK clauses/return/Return2.feature
// [15]-[17]: EntityNotFound DeletedEntityAccess), while its type stays
// readable ([14]); the engine returns null or an empty list instead, and
// the deletion commits. The expected output below is written by hand;
// lines ending in ` ...` match any message with that beginning.
CREATE ({num: 0}), (:A), ()-[:T {num: 0}]->();

MATCH (n {num: 0}) DELETE n RETURN n.num;

MATCH (n:A) DELETE n RETURN labels(n);

MATCH ()-[r:T]->() DELETE r RETURN r.num;

MATCH (n) RETURN count(n) AS nodes;

MATCH ()-[r:T]->() DELETE r RETURN type(r);
