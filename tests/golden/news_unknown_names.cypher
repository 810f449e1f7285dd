// On a store typed with the news schema, a label, relationship type or
// property key the schema does not declare can never match: the query is a
// SemanticError before it runs, suggesting the nearest declared name. An
// unknown function or variable is a SyntaxError with a suggestion too.
MATCH (a:Actr) RETURN a;

MATCH (e:Event)-[:AGNT]->(a:Actor) RETURN a.name;

MATCH (a:Actor) RETURN a.nme;

MATCH (a:Actor) WHERE a.nmae = 'Russia' RETURN a;

RETURN toUppr('x') AS x;

MATCH (actor:Actor) RETURN actr.name;

// Declared names are fine even before any node has them.
MATCH (a:Actor)<-[:AGENT]-(e:Event) RETURN a.name, e.kind;
