// Aggregation: grouping keys, DISTINCT, nulls, empty input.
CREATE (:Claim {speaker: 'Pentagon', words: 12, sure: true}),
       (:Claim {speaker: 'Pentagon', words: 30}),
       (:Claim {speaker: 'Cook', words: 8, sure: false}),
       (:Claim {speaker: 'Cook', words: 8}),
       (:Claim {speaker: 'official'});

MATCH (c:Claim) RETURN count(*) AS claims, count(c.words) AS with_words, count(DISTINCT c.words) AS distinct_words;

MATCH (c:Claim)
RETURN c.speaker AS speaker, count(*) AS claims, sum(c.words) AS words, avg(c.words) AS mean,
       min(c.words) AS least, max(c.words) AS most
ORDER BY speaker;

MATCH (c:Claim) RETURN sum(DISTINCT c.words) AS distinct_sum, count(DISTINCT c.sure) AS answers;

MATCH (c:Claim) WITH c ORDER BY c.speaker RETURN collect(DISTINCT c.speaker) AS speakers;

MATCH (c:Claim) RETURN min(c.speaker) AS first, max(c.speaker) AS last;

// No input rows and no grouping key: one row of empty aggregates.
MATCH (c:Claim) WHERE c.speaker = 'nobody'
RETURN count(*) AS claims, sum(c.words) AS words, avg(c.words) AS mean, collect(c.words) AS all_words;

// No input rows with a grouping key: no rows.
MATCH (c:Claim) WHERE c.speaker = 'nobody' RETURN c.speaker, count(*) AS claims;

RETURN count(*) AS rows;

MATCH (c:Claim) RETURN count(*) * 2 AS doubled;

UNWIND [1, 2.5, 3] AS x RETURN sum(x) AS sum, avg(x) AS mean;

UNWIND [1, 2, 3, 4] AS x RETURN x % 2 = 0 AS even, collect(x) AS xs, sum(x) AS total ORDER BY even;

// Grouping by a whole node.
CREATE (a:Speaker {name: 'A'}), (b:Speaker {name: 'B'}), (a)-[:SAID]->(:Quote), (a)-[:SAID]->(:Quote), (b)-[:SAID]->(:Quote);

MATCH (s:Speaker)-[:SAID]->(q) RETURN s.name AS speaker, count(q) AS quotes ORDER BY quotes DESC;

MATCH (s:Speaker)-[:SAID]->(q) WITH s, count(q) AS quotes RETURN max(quotes) AS most, min(quotes) AS fewest;
