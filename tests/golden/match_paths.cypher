// Named paths, path functions, shortestPath and allShortestPaths.
CREATE (a:City {name: 'A'})-[:ROAD {km: 5}]->(b:City {name: 'B'})-[:ROAD {km: 5}]->(c:City {name: 'C'}),
       (a)-[:ROAD {km: 20}]->(c),
       (c)-[:ROAD {km: 1}]->(d:City {name: 'D'}),
       (b)-[:ROAD {km: 9}]->(d);

MATCH p = (:City {name: 'A'})-[:ROAD]->(:City {name: 'B'}) RETURN p;

MATCH p = (:City {name: 'D'})<-[:ROAD]-(:City {name: 'C'}) RETURN p, nodes(p)[0].name AS first;

MATCH p = (:City {name: 'A'}) RETURN length(p) AS length, [n IN nodes(p) | n.name] AS route;

MATCH p = (:City {name: 'A'})-[:ROAD*]->(:City {name: 'D'})
RETURN length(p) AS hops, [n IN nodes(p) | n.name] AS route, [r IN relationships(p) | r.km] AS km
ORDER BY hops, route;

MATCH p = shortestPath((:City {name: 'A'})-[:ROAD*]->(:City {name: 'C'}))
RETURN length(p) AS hops, [n IN nodes(p) | n.name] AS route;

MATCH p = allShortestPaths((:City {name: 'A'})-[:ROAD*]->(:City {name: 'D'}))
RETURN [n IN nodes(p) | n.name] AS route
ORDER BY route;

// Kuzu's spelling of shortestPath.
MATCH p = (:City {name: 'A'})-[:ROAD* SHORTEST 1..5]->(:City {name: 'D'}) RETURN length(p) AS hops;

// No path against the direction of the roads.
MATCH p = shortestPath((:City {name: 'D'})-[:ROAD*]->(:City {name: 'A'})) RETURN p;

MATCH (d:City {name: 'D'}), (a:City {name: 'A'})
OPTIONAL MATCH p = shortestPath((d)-[:ROAD*]->(a))
RETURN d.name, a.name, p;

MATCH p = shortestPath((:City {name: 'D'})-[:ROAD*]-(:City {name: 'A'})) RETURN length(p) AS hops;

MATCH p = (a:City {name: 'A'})-[:ROAD]->(b) WHERE b.name = 'B' RETURN startNode(last(relationships(p))).name AS from, endNode(last(relationships(p))).name AS to;
