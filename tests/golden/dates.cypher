// Dates (an Attest extension): literals, arithmetic in days, comparison,
// ordering, properties.
RETURN date('2016-06-16') AS d;

RETURN date('2016-06-16') + 2 AS later, date('2016-06-16') - 1 AS earlier, 2 + date('2016-06-16') AS commuted;

RETURN date('2016-12-31') + 1 AS new_year, date('2016-03-01') - 1 AS leap_day;

// The difference of two dates is a number of days.
RETURN date('2016-06-18') - date('2016-06-16') AS days, date('2016-01-01') - date('2016-12-31') AS back;

RETURN date('2016-06-18') > date('2016-06-16') AS after, date('2016-06-16') = date('2016-06-16') AS same, date('2016-06-16') = '2016-06-16' AS vs_string;

WITH date('2016-06-16') AS d
RETURN d.year AS year, d.month AS month, d.day AS day, d.dayOfWeek AS dow, d.weekdayName AS weekday, d.quarter AS quarter, d.ordinalDay AS ordinal;

RETURN date({year: 2016, month: 6, day: 18}) AS from_map, date({year: 2016}) AS year_only, date(null) AS null_date;

UNWIND [date('2016-06-18'), date('2016-06-16'), null, date('2016-06-17')] AS d RETURN d ORDER BY d;

UNWIND [date('2016-06-18'), date('2016-06-16'), date('2016-06-17')] AS d RETURN min(d) AS first, max(d) AS last, count(DISTINCT d.weekdayName) AS weekdays;

RETURN toString(date('2016-06-16')) AS text, date(date('2016-06-16')) AS same;

CREATE (:Event {kind: 'airstrike', date: date('2016-06-16')}), (:Event {kind: 'meeting', date: date('2016-06-18')});

MATCH (e:Event) WHERE e.date = date('2016-06-16') RETURN e.kind, e.date.weekdayName AS weekday;

MATCH (e:Event) WHERE e.date >= date('2016-06-17') RETURN e.kind;

// A timeline: days since the first event.
MATCH (e:Event)
WITH min(e.date) AS first
MATCH (e:Event)
RETURN e.kind, e.date, [d IN range(0, 5) WHERE first + d = e.date][0] AS day
ORDER BY e.date;

// The ISO GQL date literal reads like date('…') and is checked at parse time.
RETURN DATE '2016-06-16' AS d, DATE '2016-06-16' < date('2016-06-18') AS earlier;

RETURN DATE '2016-02-30' AS impossible;
