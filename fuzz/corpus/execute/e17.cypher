a block with the line `// unordered` (a UNION, whose parts
// cannot share one ORDER BY) is compared as a multiset. Other `//` lines
// inside a block are commentary.
//
// The expected answers come from reading the article and its fact file, not
// from running the engine.

// ---------------------------------------------------------------------------
// People and organizations
// ---------------------------------------------------------------------------

// Q video_conference_participants: Who took part in the video conference?
// Sentence 4: Slotkin, McKenzie "and their Russian counterparts".
MATCH (:Event {kind: 'meeting'})-[:PARTICIPANT]->(a:Actor)
RETURN a.name AS participant
ORDER BY participant