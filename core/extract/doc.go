// Package extract finds facts and preferences a user states about
// themselves in a chat turn, with rules rather than a model: it must run in
// the wasm core on the user's device, fast and explainably, and every fact
// it keeps is one the user can read, edit or delete.
//
// # Pipeline
//
//  1. Redact secrets (package secrets), so no candidate can carry one.
//  2. Replace quoted text with a marker: quotes are someone else's words,
//     or text the user wants processed, never a statement about the user.
//  3. Canonicalise spelling ("im" -> "I'm", "dont" -> "don't").
//  4. Split into sentences, then clauses at breaks followed by a new
//     subject ("..., and I live in Porto"); an elided subject is restored
//     ("I'm divorced and have two kids" -> "I have two kids").
//  5. Drop what is not a first-person statement of fact: questions (the
//     asked clause; a statement before it survives), hypotheticals and
//     their consequents ("if I were...", "suppose I...", "I would..."),
//     reported speech ("she told me...") and clauses holding a quote.
//  6. Run every domain's rules on each clause. Rules are anchored at the
//     user as subject ("I", "I'm", "we", "my wife and I"), so statements
//     about third parties yield nothing; the exceptions are a named
//     relative or pet ("my son Lucas", "my cat Luna"), which are facts
//     about the user's family.
//  7. Within one utterance a later candidate on a slot replaces an earlier.
//
// # Slot grammar
//
// A slot is single-valued: a newer fact on the same slot supersedes the
// older one. Multi-valued things carry their object in the slot. Objects
// are normalised: lower case, spaces collapsed, leading articles and
// possessives and trailing punctuation removed.
//
//	identity.name | .age | .birthday (MM-DD) | .birthyear | .gender |
//	  .pronouns | .nationality | .sexuality (sensitive)
//	language:<language>       speaks | fluent | native | learning
//	location.home             city or country ("I live in", "I moved to")
//	location.origin           "I'm from", "I grew up in"
//	work.title                "software engineer", "retired"
//	work.employer             employer, or "none" (quit, laid off, unemployed)
//	education.field | .school | .degree | .status
//	family.status             married | single | engaged | divorced | ...
//	family.children           count; family.brothers | family.sisters: count
//	family:<name>             relation ("daughter"); family:<name>.age
//	pet:<species>             count, when unnamed
//	pet:<species>:<name>      has | had
//	diet.style                vegan | vegetarian | ... | "not vegan"
//	diet:<food>               avoids | eats
//	allergy:<thing>           allergic | intolerant | not allergic
//	health:<condition>        has | had (sensitive); health:pregnancy
//	like:<object>             likes | dislikes | prefers
//	prefer:<a>|<b>            the preferred one; a and b sorted
//	habit:<activity>          frequency ("every morning", "usually", "never")
//	goal:<verb phrase>        wants
//	plan:trip:<place>         date, or "planned"
//	plan:move:<place>         date, or "planned"
//	plan:<event>              date ("my wedding is on June 3")
//	finance.income | .debt | .savings | .budget (sensitive)
//	beliefs.religion | beliefs.politics (sensitive)
//
// Change statements resolve to the slot they change: "I moved to Lisbon"
// supersedes "I live in Berlin" (location.home), "I no longer like sushi"
// supersedes "I love sushi" (like:sushi), "I'm not vegan anymore" sets
// diet.style to "not vegan", "I quit my job at X" sets work.employer to
// "none".
//
// Dates in plans are resolved against the utterance time and stored in the
// value ("YYYY-MM-DD", "YYYY-MM" or "week of YYYY-MM-DD"; see dates.go);
// ValidFrom is always the utterance time.
//
// Confidence and sensitivity are explained in candidate.go.
//
// # Evaluation
//
// Evaluate scores Extract on a labelled corpus (testdata/extraction), and
// BenchmarkExtract reports precision and recall alongside speed.
package extract
