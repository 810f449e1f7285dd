an event within another comes right after it).
MATCH (e:Event)
WHERE e.date IS NOT NULL
OPTIONAL MATCH (e)-[:PART_OF]->(whole:Event)
WITH e, coalesce(whole, e) AS anchor, whole IS NOT NULL AS within
OPTIONAL MATCH (earlier:Event)-[:BEFORE*]->(anchor)
WITH e, within, count(DISTINCT earlier) AS rank
RETURN e.date AS date, e.kind AS kind, e.when AS worded
ORDER BY date, rank, within