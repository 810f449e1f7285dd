// SET (property, +=, =, labels) and REMOVE.
CREATE (:Actor {name: 'Ash Carter', kind: 'person'});

MATCH (a:Actor) SET a.title = 'Defense Secretary' RETURN a.title;

MATCH (a:Actor) SET a += {rank: 'none', kind: 'official'} RETURN a;

// = replaces every property.
MATCH (a:Actor) SET a = {name: 'Ash Carter', title: 'Secretary'} RETURN a;

MATCH (a:Actor) SET a:Person:Official RETURN labels(a) AS labels;

MATCH (a:Actor) REMOVE a:Official RETURN labels(a) AS labels;

MATCH (a:Actor) REMOVE a.title RETURN a.title, keys(a) AS keys;

// Removing what is not there changes nothing.
MATCH (a:Actor) REMOVE a.nothing, a:Nothing RETURN a.name;

MATCH (a:Actor) SET a.labels = size(labels(a)), a.upper = toUpper(a.name) RETURN a.labels, a.upper;

// SET on a null node does nothing.
OPTIONAL MATCH (x:Nobody) SET x.a = 1 RETURN x;

CREATE ()-[:R {w: 1}]->();

MATCH ()-[r:R]->() SET r.w = r.w + 1, r.note = 'x' RETURN r;

MATCH ()-[r:R]->() REMOVE r.note RETURN r;

// Copying the properties of one node to another.
CREATE (:Copy);

MATCH (c:Copy), (a:Actor) SET c = a RETURN c;

MATCH (a:Actor) SET a += {upper: null} RETURN keys(a) AS keys;
