// Questions a reader asks of data/article.txt, as Attest queries over the
// article graph (data/article.facts), each with the answer a careful reader
// expects. tests/questions.rs runs every question against a fresh store with
// the news schema and the article loaded, and compares the answer exactly.
//
// The file is also a script: `attest run tests/questions/article.cypher`
// runs every question against the default store (which is seeded with the
// article).
//
// Format of a question block:
//
//   // Q <id>: <the question in plain words>
//   <the query, any number of lines, ending with `;`>
//   // => <column> | <column> ...
//   // => <value> | <value> ...        one line per expected row
//
// Values are written as Cypher literals: strings in single quotes (with \'
// for a quote), integers, floats with a point, true/false/null, lists in
// [...], maps in {k: v} with keys sorted, and dates bare (2016-06-16).
// The rows are compared in order, so every query that returns several rows
// sorts them; a block with the line `// unordered` (a UNION, whose parts
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
ORDER BY participant;
// => participant
// => 'Elissa Slotkin'
// => 'Kenneth McKenzie'
// => 'Russian military officials (video conference, anonymous)'

// Q participants_and_their_organizations: Whom did each participant of the video conference represent?
MATCH (:Event {kind: 'meeting'})-[:PARTICIPANT]->(a:Actor)-[:MEMBER_OF]->(org:Actor)
RETURN a.name AS participant, org.name AS organization
ORDER BY participant;
// => participant | organization
// => 'Elissa Slotkin' | 'Pentagon'
// => 'Kenneth McKenzie' | 'Joint Chiefs of Staff'
// => 'Russian military officials (video conference, anonymous)' | 'Russian military'

// Q persons_and_organizations: Which people does the article name or quote, and where do they work?
// The senior official belongs to no organization the article names: OPTIONAL MATCH keeps him with nulls.
MATCH (p:Actor {kind: 'person'})
OPTIONAL MATCH (p)-[m:MEMBER_OF]->(org:Actor)
RETURN p.name AS person, m.role AS role, org.name AS organization
ORDER BY person;
// => person | role | organization
// => 'Ash Carter' | 'Defense Secretary' | 'Pentagon'
// => 'Elissa Slotkin' | 'Acting Assistant Secretary for International Security Affairs' | 'Pentagon'
// => 'Kenneth McKenzie' | 'panning director' | 'Joint Chiefs of Staff'
// => 'Peter Cook' | 'Press Secretary' | 'Pentagon'
// => 'senior official (anonymous, Washington Examiner)' | null | null

// Q pentagon_members: Who belongs to the Pentagon, directly or through a body of it?
MATCH (member:Actor)-[:MEMBER_OF*]->(:Actor {name: 'Pentagon'})
RETURN member.name AS member
ORDER BY member;
// => member
// => 'Ash Carter'
// => 'Department of Defense officials (anonymous, Pentagon statement)'
// => 'Elissa Slotkin'
// => 'Joint Chiefs of Staff'
// => 'Kenneth McKenzie'
// => 'Pentagon sources (anonymous)'
// => 'Peter Cook'

// Q pentagon_direct_members: Who belongs to the Pentagon directly, and in which role?
MATCH (member:Actor)-[m:MEMBER_OF]->(:Actor {name: 'Pentagon'})
RETURN member.name AS member, m.role AS role
ORDER BY member;
// => member | role
// => 'Ash Carter' | 'Defense Secretary'
// => 'Department of Defense officials (anonymous, Pentagon statement)' | null
// => 'Elissa Slotkin' | 'Acting Assistant Secretary for International Security Affairs'
// => 'Joint Chiefs of Staff' | null
// => 'Pentagon sources (anonymous)' | null
// => 'Peter Cook' | 'Press Secretary'

// Q coalition_members_by_depth: Who is part of the counter-ISIL coalition, and how many steps removed?
MATCH p = (member:Actor)-[:MEMBER_OF*]->(:Actor {name: 'counter-ISIL coalition'})
RETURN length(p) AS depth, member.name AS member
ORDER BY depth, member;
// => depth | member
// => 1 | 'United States'
// => 2 | 'Pentagon'
// => 2 | 'U.S. military'
// => 2 | 'U.S. officials (anonymous, infuriated by the renewed bombing)'
// => 3 | 'Ash Carter'
// => 3 | 'Department of Defense officials (anonymous, Pentagon statement)'
// => 3 | 'Elissa Slotkin'
// => 3 | 'Joint Chiefs of Staff'
// => 3 | 'Pentagon sources (anonymous)'
// => 3 | 'Peter Cook'
// => 4 | 'Kenneth McKenzie'

// Q attacked_forces_and_subgroups: Whom did the airstrikes hit, and which groups were among them?
MATCH (:Event {kind: 'airstrike'})-[:TARGET]->(forces:Actor)
WITH DISTINCT forces
MATCH (group:Actor)-[:MEMBER_OF]->(forces)
RETURN forces.name AS forces, group.name AS among_them
ORDER BY among_them;
// => forces | among_them
// => 'U.S.-backed anti-Islamic State forces at At-Tanf' | 'fighters trained and armed by the United States in Jordan'
// => 'U.S.-backed anti-Islamic State forces at At-Tanf' | 'forces at At-Tanf taking part in the cessation of hostilities'

// Q aliases_of_the_backed_forces: Which names does the article use for the U.S.-backed forces?
MATCH (f:Actor {name: 'U.S.-backed anti-Islamic State forces at At-Tanf'})
UNWIND f.aliases AS alias
RETURN alias
ORDER BY alias;
// => alias
// => 'U.S.-backed fighters'
// => 'U.S.-backed forces'
// => 'anti-Islamic State forces'
// => 'coalition-supported counter-ISIL forces'
// => 'counter-ISIL forces'

// ---------------------------------------------------------------------------
// What happened: strikes, calls, places
// ---------------------------------------------------------------------------

// Q aircraft_at_the_staging_area: Which aircraft hit the staging area, how many, and whose were they?
MATCH (strike:Event)-[:AT]->(site:Place),
      (strike)-[used:USED]->(aircraft:Equipment)-[:OPERATED_BY]->(operator:Actor)
WHERE 'staging area' IN site.aliases
RETURN aircraft.name AS aircraft, aircraft.kind AS kind, used.quantity AS quantity, operator.name AS operator;
// => aircraft | kind | quantity | operator
// => 'Su-34 “Fullback” fighter-bomber' | 'fighter-bomber' | 'at least two' | 'Russia'

// Q what_russia_did: What did Russia do (events with Russia as AGENT), where, and with what?
MATCH (e:Event)-[:AGENT]->(:Actor {name: 'Russia'})
OPTIONAL MATCH (e)-[:AT]->(site:Place)
RETURN e.kind AS kind, e.date AS date, site.name AS site, [(e)-[:USED]->(x:Equipment) | x.name] AS used
ORDER BY site;
// => kind | date | site | used
// => 'airstrike' | 2016-06-16 | 'At-Tanf garrison' | ['Russian planes (type not given)']
// => 'airstrike' | 2016-06-16 | 'staging area of the anti-Islamic State forces at At-Tanf' | ['Su-34 “Fullback” fighter-bomber']

// Q actions_against_russia: What was directed at Russia, and by whom?
MATCH (e:Event)-[:TARGET]->(:Actor {name: 'Russia'}), (e)-[:AGENT]->(agent:Actor)
RETURN e.kind AS kind, agent.name AS agent
ORDER BY kind, agent;
// => kind | agent
// => 'demand' | 'Pentagon'
// => 'protest' | 'Department of Defense officials (anonymous, Pentagon statement)'
// => 'protest' | 'United States'

// Q after_the_hotline_call: What happened right after the hotline call?
// Sentence 9: "But after the call, Russian planes bombed again".
MATCH (:Event {kind: 'communication'})-[:BEFORE]->(next:Event)
RETURN next.kind AS kind, next.date AS date, next.summary AS summary, [(next)-[:USED]->(x) | x.name] AS used;
// => kind | date | summary | used
// => 'airstrike' | 2016-06-16 | 'after the hotline call, Russian planes bombed the U.S.-backed forces at At-Tanf again' | ['Russian planes (type not given)']

// Q everything_after_the_hotline_call: What followed the hotline call, step by step?
MATCH p = (:Event {kind: 'communication'})-[:BEFORE*]->(later:Event)
RETURN later.kind AS kind, length(p) AS steps
ORDER BY steps;
// => kind | steps
// => 'airstrike' | 1
// => 'meeting' | 2
// => 'statement' | 3

// Q hotline_recipient: Who operated the hotline, and whom did the calls reach?
MATCH (call:Event)-[:USED]->(line:Equipment {kind: 'hotline'})-[:OPERATED_BY]->(operator:Actor),
      (call)-[t:TARGET]->(recipient:Actor)-[:MEMBER_OF]->(side:Actor)
RETURN operator.name AS operator, recipient.name AS recipient, t.role AS role, side.name AS part_of;
// => operator | recipient | role | part_of
// => 'U.S. military' | 'Russian officials reached over the hotline (anonymous)' | 'recipient' | 'Russian military'

// Q where_the_strikes_happened: Where did the airstrikes happen?
MATCH (:Event {kind: 'airstrike'})-[:AT]->(site:Place)
RETURN site.name AS site, site.kind AS kind
ORDER BY site;
// => site | kind
// => 'At-Tanf garrison' | 'garrison'
// => 'staging area of the anti-Islamic State forces at At-Tanf' | 'staging_area'

// Q where_the_first_strike_happened: Where did Thursday's strike happen, at every level (the site and what contains it)?
MATCH (:Event {kind: 'airstrike', when: 'Thursday'})-[:AT]->(:Place)-[:IN*0..]->(place:Place)
RETURN DISTINCT place.name AS place
ORDER BY place;
// => place
// => 'At-Tanf garrison'
// => 'Syria'
// => 'southern Syria'
// => 'staging area of the anti-Islamic State forces at At-Tanf'

// Q places_around_the_first_strike: How far is each containing place from Thursday's strike, and by how many routes?
// Syria contains the staging area twice over: through southern Syria and through At-Tanf.
MATCH p = (:Event {when: 'Thursday'})-[:AT]->(:Place)-[:IN*]->(place:Place)
RETURN place.name AS place, min(length(p)) AS hops, count(*) AS routes
ORDER BY hops, place;
// => place | hops | routes
// => 'At-Tanf garrison' | 2 | 1
// => 'southern Syria' | 2 | 1
// => 'Syria' | 3 | 2

// Q syria_events_and_agreements: What happened in Syria, and which agreements apply there (at any level of place)?
// unordered
MATCH (e:Event)-[:AT]->(:Place)-[:IN*0..]->(:Place {name: 'Syria'})
RETURN e.kind AS what
UNION
MATCH (g:Agreement)-[:AT]->(:Place)-[:IN*0..]->(:Place {name: 'Syria'})
RETURN g.kind AS what;
// => what
// => 'airstrike'
// => 'ceasefire'
// => 'deployment'
// => 'memorandum_of_understanding'

// Q conference_agreement: Under which agreement was the video conference held, and who are its parties?
MATCH (:Event {kind: 'meeting'})-[:UNDER]->(a:Agreement)-[:PARTY]->(party:Actor)
RETURN a.name AS agreement, party.name AS party
ORDER BY party;
// => agreement | party
// => 'Safety of Flight Memorandum of Understanding' | 'Russia'
// => 'Safety of Flight Memorandum of Understanding' | 'counter-ISIL coalition'

// Q safety_of_flight_parties: Between whom is the Safety of Flight Memorandum of Understanding?
MATCH (mou:Agreement)-[:PARTY]->(party:Actor)
WHERE mou.name STARTS WITH 'Safety of Flight'
RETURN party.name AS party, party.kind AS kind
ORDER BY party;
// => party | kind
// => 'Russia' | 'country'
// => 'counter-ISIL coalition' | 'organization'

// Q events_without_agent: Which events does the article report without saying who carried them out?
MATCH (e:Event)
OPTIONAL MATCH (e)-[:AGENT]->(agent:Actor)
WITH e, agent
WHERE agent IS NULL
RETURN e.kind AS kind
ORDER BY kind;
// => kind
// => 'deployment'
// => 'meeting'
// => 'negotiation'

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

// Q saturday_events: Which events happened on Saturday?
MATCH (e:Event)
WHERE e.when = 'Saturday' OR e.date = date('2016-06-18')
RETURN e.kind AS kind, e.when AS worded
ORDER BY kind;
// => kind | worded
// => 'meeting' | 'Saturday'
// => 'protest' | 'Saturday'
// => 'statement' | 'Saturday afternoon'

// Q thursday_from_publication_date: Which date is the article's "Thursday", counting back from its publication?
MATCH (d:Document), (strike:Event {when: 'Thursday'})
RETURN d.date AS published, d.date.weekdayName AS weekday, d.date - 2 AS thursday,
       (d.date - 2).dayOfWeek AS iso_day, strike.date = d.date - 2 AS strike_matches;
// => published | weekday | thursday | iso_day | strike_matches
// => 2016-06-18 | 'Saturday' | 2016-06-16 | 4 | true

// Q weekday_words_match_dates: Does every weekday the article words ("Thursday", "Saturday afternoon") agree with the resolved date?
MATCH (x)
WHERE x.when IS NOT NULL AND x.date IS NOT NULL
RETURN labels(x)[0] AS label, count(*) AS worded,
       sum(CASE WHEN x.when STARTS WITH x.date.weekdayName THEN 1 ELSE 0 END) AS consistent
ORDER BY label;
// => label | worded | consistent
// => 'Assertion' | 4 | 4
// => 'Event' | 4 | 4

// Q timeline: The dated events in the order they happened (date first, then the BEFORE chain; an event within another comes right after it).
MATCH (e:Event)
WHERE e.date IS NOT NULL
OPTIONAL MATCH (e)-[:PART_OF]->(whole:Event)
WITH e, coalesce(whole, e) AS anchor, whole IS NOT NULL AS within
OPTIONAL MATCH (earlier:Event)-[:BEFORE*]->(anchor)
WITH e, within, count(DISTINCT earlier) AS rank
RETURN e.date AS date, e.kind AS kind, e.when AS worded
ORDER BY date, rank, within;
// => date | kind | worded
// => 2016-06-16 | 'airstrike' | 'Thursday'
// => 2016-06-16 | 'communication' | null
// => 2016-06-16 | 'airstrike' | null
// => 2016-06-18 | 'meeting' | 'Saturday'
// => 2016-06-18 | 'protest' | 'Saturday'
// => 2016-06-18 | 'statement' | 'Saturday afternoon'

// Q timeline_function: In what order did all the events happen, dated or not?
// timeline(): by date, BEFORE links deciding within a day and placing the
// undated training and deployment (they precede the Thursday strike); events
// with neither a date nor a BEFORE link come last.
UNWIND timeline() AS e
RETURN e.kind AS kind, e.when AS worded;
// => kind | worded
// => 'training' | null
// => 'deployment' | null
// => 'airstrike' | 'Thursday'
// => 'communication' | null
// => 'airstrike' | null
// => 'meeting' | 'Saturday'
// => 'protest' | 'Saturday'
// => 'statement' | 'Saturday afternoon'
// => 'support' | null
// => 'demand' | null
// => 'negotiation' | null

// Q before_chain: The whole chain of events the text orders, first to last.
MATCH p = (first:Event)-[:BEFORE*]->(last:Event)
WHERE NOT ()-[:BEFORE]->(first) AND NOT (last)-[:BEFORE]->()
RETURN [e IN nodes(p) | e.kind] AS chain, length(p) AS steps;
// => chain | steps
// => ['training', 'deployment', 'airstrike', 'communication', 'airstrike', 'meeting', 'statement'] | 6

// ---------------------------------------------------------------------------
// Who said what
// ---------------------------------------------------------------------------

// Q anonymous_claims: Which claims come from anonymous sources?
MATCH (claim:Assertion)-[:SAID_BY]->(source:Actor)
WHERE claim.certainty = 'anonymous' OR source.anonymous = true
RETURN source.name AS source, claim.text AS claim
ORDER BY source, claim;
// => source | claim
// => 'Pentagon sources (anonymous)' | 'Russia had not been active at the staging area in southern Syria for some time'
// => 'Pentagon sources (anonymous)' | 'at least two Russian Su-34 “Fullback” fighter-bombers hit the staging area in southern Syria'
// => 'aides to Defense Secretary Ash Carter (anonymous)' | 'Defense Secretary Ash Carter was furious over the aerial attack Thursday'
// => 'senior official (anonymous, Washington Examiner)' | 'Either poor command and control, or it was intentional.'
// => 'senior official (anonymous, Washington Examiner)' | 'There are only two explanations'

// Q on_and_off_the_record: How many claims are on the record, and how many off?
MATCH (claim:Assertion)
RETURN CASE claim.certainty WHEN 'anonymous' THEN 'off the record' ELSE 'on the record' END AS record, count(*) AS claims
ORDER BY record;
// => record | claims
// => 'off the record' | 5
// => 'on the record' | 5

// Q two_explanations: Who said "There are only two explanations", and through which channel?
MATCH (claim:Assertion {text: 'There are only two explanations'})-[:SAID_BY]->(speaker:Actor),
      (claim)-[:VIA]->(channel)
RETURN speaker.name AS speaker, channel.name AS channel, claim.quoted AS quoted, claim.certainty AS certainty;
// => speaker | channel | quoted | certainty
// => 'senior official (anonymous, Washington Examiner)' | 'Washington Examiner' | true | 'anonymous'

// Q claims_per_speaker: How many claims did each speaker make?
MATCH (claim:Assertion)-[:SAID_BY]->(speaker:Actor)
RETURN speaker.name AS speaker, count(claim) AS claims
ORDER BY claims DESC, speaker;
// => speaker | claims
// => 'Pentagon' | 3
// => 'Pentagon sources (anonymous)' | 2
// => 'Peter Cook' | 2
// => 'senior official (anonymous, Washington Examiner)' | 2
// => 'aides to Defense Secretary Ash Carter (anonymous)' | 1

// Q channels_per_speaker: Through which channels did each speaker talk?
// The statement is an Event without a name, so the channel is named by name or kind.
MATCH (claim:Assertion)-[:SAID_BY]->(speaker:Actor)
OPTIONAL MATCH (claim)-[:VIA]->(channel)
RETURN speaker.name AS speaker, count(DISTINCT channel) AS channels,
       collect(DISTINCT coalesce(channel.name, channel.kind)) AS via
ORDER BY speaker;
// => speaker | channels | via
// => 'Pentagon' | 1 | ['statement']
// => 'Pentagon sources (anonymous)' | 0 | []
// => 'Peter Cook' | 1 | ['statement']
// => 'aides to Defense Secretary Ash Carter (anonymous)' | 0 | []
// => 'senior official (anonymous, Washington Examiner)' | 1 | ['Washington Examiner']

// Q pentagon_claims: How many claims came from the Pentagon, counting its members?
MATCH (claim:Assertion)-[:SAID_BY]->(:Actor)-[:MEMBER_OF*0..]->(:Actor {name: 'Pentagon'})
RETURN count(DISTINCT claim) AS claims;
// => claims
// => 7

// Q claims_about_the_second_strike: Which claims are about the second strike (the one after the hotline call)?
MATCH (:Event {kind: 'communication'})-[:BEFORE]->(second:Event {kind: 'airstrike'}),
      (claim:Assertion)-[:ABOUT]->(second)
RETURN claim.text AS claim
ORDER BY claim;
// => claim
// => 'Defense Secretary Ash Carter was furious over the aerial attack Thursday'
// => 'Department officials conveyed that Russia’s continued strikes at At-Tanf, even after U.S. attempts to inform Russian forces through proper channels of on-going coalition air support to the counter-ISIL forces, created safety concerns for U.S. and coalition forces'
// => 'Either poor command and control, or it was intentional.'
// => 'There are only two explanations'

// Q claims_per_event: How many claims is each event the subject of?
// Grouped by the event, not by its kind: the two airstrikes stay apart.
MATCH (e:Event)
OPTIONAL MATCH (claim:Assertion)-[:ABOUT]->(e)
WITH e, count(claim) AS claims
RETURN e.kind AS kind, claims
ORDER BY claims DESC, kind;
// => kind | claims
// => 'airstrike' | 4
// => 'airstrike' | 3
// => 'meeting' | 2
// => 'protest' | 2
// => 'communication' | 1
// => 'negotiation' | 1
// => 'support' | 1
// => 'demand' | 0
// => 'deployment' | 0
// => 'statement' | 0
// => 'training' | 0

// Q negative_claims: Which claims deny or negate something?
MATCH (claim:Assertion {polarity: 'negative'})-[:ABOUT]->(subject)
RETURN claim.text AS claim, claim.when AS said, subject.name AS about
ORDER BY about;
// => claim | said | about
// => 'Russia had not been active at the staging area in southern Syria for some time' | 'Friday' | 'Russia'
// => 'Russia had not been active at the staging area in southern Syria for some time' | 'Friday' | 'staging area of the anti-Islamic State forces at At-Tanf'

// Q quoted_claims: Which claims are quoted, in their verbatim words?
MATCH (claim:Assertion {quoted: true})
RETURN claim.text AS quote
ORDER BY quote;
// => quote
// => 'Department officials conveyed that Russia’s continued strikes at At-Tanf, even after U.S. attempts to inform Russian forces through proper channels of on-going coalition air support to the counter-ISIL forces, created safety concerns for U.S. and coalition forces'
// => 'Department officials expressed strong concerns about the attack on the coalition-supported counter-ISIL forces at the At-Tanf garrison, which included forces that are participants in the cessation of hostilities in Syria'
// => 'Either poor command and control, or it was intentional.'
// => 'There are only two explanations'
// => 'This extraordinary session was convened under the auspices of the Safety of Flight Memorandum of Understanding, an arrangement between the counter-ISIL coalition and Russian Federation to maintain safety in the air space over Syria.'
// => 'extraordinary session'
// => 'those concerns would be addressed through ongoing diplomatic discussions on the cessation of hostilities'

// Q quotes_are_verbatim: Is every quote word for word in the article (its text equals the span it cites)?
// Of the paraphrases, only the Pentagon sources' Su-34 claim happens to match its span.
MATCH (claim:Assertion)
RETURN claim.quoted AS quoted, count(*) AS claims,
       sum(CASE WHEN any(ev IN evidence(claim) WHERE ev.text = claim.text) THEN 1 ELSE 0 END) AS verbatim
ORDER BY quoted;
// => quoted | claims | verbatim
// => false | 3 | 1
// => true | 7 | 7

// ---------------------------------------------------------------------------
// Evidence: where the article says so
// ---------------------------------------------------------------------------

// Q su34_evidence: Where does the article say that Su-34s were involved?
MATCH (aircraft:Equipment)
WHERE aircraft.name STARTS WITH 'Su-34'
UNWIND evidence(aircraft) AS ev
RETURN ev.source AS source, ev.document AS document, ev.sentence AS sentence, ev.title AS title, ev.text AS text;
// => source | document | sentence | title | text
// => 'article#6' | 'article' | 6 | 'U.S. protests Russian Syrian bombing in ‘extraordinary session’' | 'Pentagon sources said Friday that at least two Russian Su-34 “Fullback” fighter-bombers hit the staging area in southern Syria, a location where Russia had not been active for some time.'

// Q claim_span_evidence: Which words of the article carry the Pentagon sources' claim about the Su-34s?
MATCH (claim:Assertion {when: 'Friday', polarity: 'positive'})
UNWIND evidence(claim) AS ev
WITH ev
WHERE ev.sentence IS NOT NULL
RETURN ev.source AS source, ev.text AS words;
// => source | words
// => 'article#6[34..126]' | 'at least two Russian Su-34 “Fullback” fighter-bombers hit the staging area in southern Syria'

// Q cook_outside_knowledge: What does the article say about Peter Cook, and what was added from outside it?
MATCH (cook:Actor {name: 'Peter Cook'})
UNWIND evidence(cook) AS ev
RETURN ev.sentence AS sentence, ev.external AS note
ORDER BY sentence;
// => sentence | note
// => 5 | null
// => null | 'full name and title: Peter Cook, Pentagon press secretary in June 2016 (the article says only “Cook’s statement”)'

// Q first_strike_sentences: Which sentences report Thursday's strike?
MATCH (strike:Event {when: 'Thursday'})
UNWIND evidence(strike) AS ev
WITH ev.sentence AS n
WHERE n IS NOT NULL
WITH n
ORDER BY n
RETURN collect(n) AS sentences;
// => sentences
// => [1, 2, 6, 7]

// Q facts_from_sentence_9: Which facts (other than the sentence itself) rest on sentence 9?
MATCH (n)
WHERE NOT n:Sentence AND any(ev IN evidence(n) WHERE ev.sentence = 9)
RETURN labels(n)[0] AS label, coalesce(n.name, n.kind) AS fact
ORDER BY label;
// => label | fact
// => 'Actor' | 'U.S. officials (anonymous, infuriated by the renewed bombing)'
// => 'Equipment' | 'Russian planes (type not given)'
// => 'Event' | 'airstrike'

// Q links_from_sentence_9: Which relationships rest on sentence 9?
MATCH (a)-[r]->()
WHERE NOT a:Sentence AND any(ev IN evidence(r) WHERE ev.sentence = 9)
RETURN type(r) AS type, count(*) AS links
ORDER BY type;
// => type | links
// => 'ABOUT' | 2
// => 'AGENT' | 1
// => 'BEFORE' | 1
// => 'MEMBER_OF' | 1
// => 'OPERATED_BY' | 1
// => 'REPORTED_IN' | 1
// => 'TARGET' | 1
// => 'USED' | 1

// Q outside_knowledge_by_label: Which facts rest partly on knowledge from outside the article?
MATCH (n)
WHERE any(ev IN evidence(n) WHERE ev.external IS NOT NULL)
RETURN labels(n)[0] AS label, count(*) AS facts
ORDER BY label;
// => label | facts
// => 'Actor' | 3
// => 'Assertion' | 7
// => 'Document' | 1
// => 'Event' | 6
// => 'Place' | 1

// Q publisher: Who published the article, and when?
MATCH (d:Document)-[:PUBLISHED_BY]->(outlet:Actor)
RETURN d.title AS title, d.date AS date, outlet.name AS outlet;
// => title | date | outlet
// => 'U.S. protests Russian Syrian bombing in ‘extraordinary session’' | 2016-06-18 | 'Washington Examiner'

// Q sentence_9: What exactly does sentence 9 say?
MATCH (s:Sentence {index: 9})-[:IN]->(:Document)
RETURN s.text AS text;
// => text
// => 'But after the call, Russian planes bombed again, infuriating U.S. officials.'

// ---------------------------------------------------------------------------
// Paths between actors
// ---------------------------------------------------------------------------

// Q carter_to_russia: How closely are Ash Carter and Russia connected in the graph?
// Three steps, e.g. Carter - Pentagon - the demand - Russia.
MATCH p = shortestPath((:Actor {name: 'Ash Carter'})-[*]-(:Actor {name: 'Russia'}))
RETURN length(p) AS steps;
// => steps
// => 3

// Q carter_to_russia_all_routes: By which shortest routes are Carter and Russia connected?
// Through the Pentagon and its demand, or through the aides' claim about either strike.
MATCH p = allShortestPaths((:Actor {name: 'Ash Carter'})-[*]-(:Actor {name: 'Russia'}))
RETURN [n IN nodes(p)[1..-1] | coalesce(n.name, n.kind)] AS via
ORDER BY via;
// => via
// => ['Pentagon', 'demand']
// => [null, 'airstrike']
// => [null, 'airstrike']

// Q carter_to_russia_through_memberships: How is Carter tied to Russia through memberships and agreements only?
MATCH p = shortestPath((:Actor {name: 'Ash Carter'})-[:MEMBER_OF|PARTY*]-(:Actor {name: 'Russia'}))
RETURN [n IN nodes(p) | n.name] AS route, length(p) AS steps;
// => route | steps
// => ['Ash Carter', 'Pentagon', 'United States', 'counter-ISIL coalition', 'Safety of Flight Memorandum of Understanding', 'Russia'] | 5

// Q carter_to_russia_without_events: How closely are Carter and Russia connected if no event is on the way?
// Four steps, e.g. Carter - Pentagon - Pentagon sources - their claim that Russia had not been active - Russia.
// As in Neo4j, the WHERE on the path restricts the search: the shortest path that satisfies it.

MATCH p = shortestPath((:Actor {name: 'Ash Carter'})-[*]-(:Actor {name: 'Russia'}))
WHERE none(n IN nodes(p) WHERE n:Event)
RETURN length(p) AS steps;
// => steps
// => 4

// ---------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------

// Q actors_by_kind: How many actors of each kind does the article involve?
MATCH (a:Actor)
RETURN a.kind AS kind, count(*) AS actors, sum(CASE WHEN a.anonymous THEN 1 ELSE 0 END) AS anonymous
ORDER BY count(*) DESC, kind;
// => kind | actors | anonymous
// => 'group' | 10 | 6
// => 'organization' | 6 | 0
// => 'person' | 5 | 1
// => 'country' | 2 | 0

// Q label_counts: How many nodes of each label does the article graph hold?
SHOW LABELS;
// => label | count
// => 'Actor' | 23
// => 'Agreement' | 2
// => 'Assertion' | 10
// => 'Document' | 1
// => 'Equipment' | 3
// => 'Event' | 11
// => 'Place' | 6
// => 'Sentence' | 15

// Q relationship_type_counts: How many relationships of each type?
SHOW RELATIONSHIP TYPES;
// => relationshipType | count
// => 'ABOUT' | 26
// => 'AGENT' | 10
// => 'AT' | 6
// => 'BEFORE' | 6
// => 'IN' | 20
// => 'MEMBER_OF' | 16
// => 'OPERATED_BY' | 3
// => 'PARTICIPANT' | 6
// => 'PARTY' | 3
// => 'PART_OF' | 1
// => 'PUBLISHED_BY' | 1
// => 'REPORTED_IN' | 21
// => 'SAID_BY' | 10
// => 'TARGET' | 6
// => 'UNDER' | 1
// => 'USED' | 3
// => 'VIA' | 7
