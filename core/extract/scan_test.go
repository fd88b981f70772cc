package extract

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// The regexps the scanners replace, kept as their reference.
var (
	refSentenceEnd = regexp.MustCompile(`[.!?]+["')\]]*\s+|\n+`)
	refClauseBreak = rx(`\s*(?:;|,|\s-\s|\s—\s|\(|\)|:)\s*(?:(?:and|but|so|because|cause|cuz|though|although|while|plus|also|then)\s+)?|\s+(?:and|but|so|because|cause|cuz|though|although|while|plus|whereas)\s+`)
	refNewSubject  = rx(`^(?:i|i'm|i've|i'd|i'll|my|we|we're|we've|our|he|she|he's|she's|they|they're|it|it's|you|your|if|when|unless|suppose|imagine|what|how|why|where|which|who|can|could|should|would|will|do|does|is|are|any|anyone|since|as)\b`)
	refElidedVerb  = rx(`^(?:have|had|live|work|love|like|enjoy|hate|speak|study|go|am|don't|can't|never|always|usually|own|teach|prefer|want|need|moved|started|quit|got)\b`)
	refElidedState = rx(`^(?:allergic|intolerant|married|divorced|single|engaged|retired|pregnant|fluent|originally from|based in|learning|studying|trying|currently|also|not|no longer|a|an|recently|happily|newly|just)\b`)
	refIrrealis    = rx(`\b(?:I|we)(?: would|'d| could| might| wish| were| may)\b`)
	refReported    = rx(`\b(?:said|says|say|told|tells|tell me|asked|asks|thinks|believes|claims|claimed|mentioned|wrote|texted|insists|keeps saying|according to)\b`)
)

// refContractions are the regexps the contractions replace, in order.
var refContractions = []struct {
	re   *lre
	with string
}{
	{lazy(`[’‘]`), "'"},
	{rx(`\bi\s+am\b`), "I'm"},
	{rx(`\bim\b`), "I'm"},
	{rx(`\bi'm\b`), "I'm"},
	{rx(`\bive\b`), "I have"},
	{rx(`\bi've got\b`), "I have"},
	{rx(`\bi've\b`), "I have"},
	{rx(`\bi have got\b`), "I have"},
	{rx(`\bi'd\b`), "I would"},
	{rx(`\bi'll\b`), "I will"},
	{rx(`\bwe've\b`), "we have"},
	{rx(`\bwe're\b`), "we are"},
	{rx(`\bi\b`), "I"},
	{rx(`\bdont\b`), "don't"},
	{rx(`\bdo not\b`), "don't"},
	{rx(`\bcant\b`), "can't"},
	{rx(`\bcannot\b`), "can't"},
	{rx(`\bwanna\b`), "want to"},
	{rx(`\bgonna\b`), "going to"},
	{lazy(`\s+`), " "},
}

// checkScanners requires every scanner to agree with its reference on s.
func checkScanners(t *testing.T, s string) {
	t.Helper()
	require.Equal(t, refSentenceEnd.FindAllStringIndex(s, -1), sentenceEnds(s), "sentenceEnd %q", s)
	require.Equal(t, refClauseBreak.FindAllStringIndex(s, -1), clauseBreaks(s), "clauseBreak %q", s)
	require.Equal(t, refNewSubject.MatchString(s), newSubject.startsWith(s), "newSubject %q", s)
	require.Equal(t, refElidedVerb.MatchString(s), elidedVerb.startsWith(s), "elidedVerb %q", s)
	require.Equal(t, refElidedState.MatchString(s), elidedState.startsWith(s), "elidedState %q", s)
	require.Equal(t, refIrrealis.MatchString(s), irrealis.within(s), "irrealis %q", s)
	require.Equal(t, refReported.MatchString(s), reported.within(s), "reported %q", s)
	require.Len(t, contractions, len(refContractions))
	for i, c := range contractions {
		ref := refContractions[i]
		require.Equal(t, ref.re.String(), c.pattern)
		require.Equal(t, ref.with, c.with)
		require.Equal(t, ref.re.ReplaceAllString(s, ref.with), c.replace(s), "%s on %q", c.pattern, s)
	}
}

// scannerSeeds exercise the corners: folded K and long s, word boundaries
// next to non-ASCII text, marks between spaces, runs of punctuation.
var scannerSeeds = []string{
	"", "I", "i'm fine", "Xſays hi", "ſays", "she ſaid", "\u212aeeps saying", "I'd", "WE WERE", "I wouldn't",
	"a, b", "a ,and b", "a  - b", "a -b", "a — b", "a —b", "x (and y)", "a and\tb", "so, ſo then", "a:b",
	"end.  Next", "end...\") next", "a.\n\nb", "?!", "a.b. c", "\n\n\n", "a, \u212aeeps", "I'm allergic and\u00a0b",
	"my wife and I", "originally from", "no longerx", "ánd", "é, and é", "a,\x80b", "one whereas two",
	"i am", "I\t\n am here", "imK", "ſo i ſaid", "i've got it", "I have got", "dont do not cant", "i’m ‘x’", "a\r\n\fb",
}

func TestScanners(t *testing.T) {
	for _, s := range append(scannerSeeds, goldenInputs(t)...) {
		checkScanners(t, s)
		for i := 1; i < len(s); i++ {
			if s[i-1] == ' ' { // the anchored sets at every word
				rest := s[i:]
				require.Equal(t, refNewSubject.MatchString(rest), newSubject.startsWith(rest), "newSubject %q", rest)
				require.Equal(t, refElidedVerb.MatchString(rest), elidedVerb.startsWith(rest), "elidedVerb %q", rest)
				require.Equal(t, refElidedState.MatchString(rest), elidedState.startsWith(rest), "elidedState %q", rest)
			}
		}
	}
}

func FuzzScanners(f *testing.F) {
	for _, s := range append(scannerSeeds, fragments...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkScanners(t, s)
	})
}
