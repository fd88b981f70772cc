package merge

import (
	"testing"

	"github.com/confidant-dev/confidant/core/hlc"
)

// FuzzLaws decodes arbitrary bytes into three small record sets (few keys,
// few stamps, so collisions and ties are common) and checks that Merge is
// idempotent, commutative and associative by Hash, and that FromRecords
// agrees with folding Merge.
func FuzzLaws(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		var parts [3][]Record[Bytes]
		var all []Record[Bytes]
		for i := 0; i+4 <= len(b) && i < 4*64; i += 4 {
			x, y, z, w := b[i], b[i+1], b[i+2], b[i+3]
			r := Record[Bytes]{
				Key:     Key{Kind: Kind(1 + x%4), ID: string(rune('a' + (x>>2)%4))},
				Stamp:   hlc.Stamp{Wall: int64(y % 4), Counter: uint32(z % 3), Device: []string{"p", "q"}[z>>7]},
				Deleted: w%5 == 0,
			}
			if !r.Deleted || w%2 == 0 {
				r.Payload = Bytes{w % 7}
			}
			parts[int(w)%3] = append(parts[int(w)%3], r)
			all = append(all, r)
		}
		a, bb, c := FromRecords(parts[0]...), FromRecords(parts[1]...), FromRecords(parts[2]...)
		if Hash(Merge(a, a)) != Hash(a) {
			t.Fatal("not idempotent")
		}
		if Hash(Merge(a, bb)) != Hash(Merge(bb, a)) {
			t.Fatal("not commutative")
		}
		if Hash(Merge(Merge(a, bb), c)) != Hash(Merge(a, Merge(bb, c))) {
			t.Fatal("not associative")
		}
		var fold Set[Bytes]
		for _, r := range all {
			fold = Merge(fold, FromRecords(r))
		}
		if Hash(fold) != Hash(FromRecords(all...)) {
			t.Fatal("FromRecords disagrees with Merge")
		}
	})
}
