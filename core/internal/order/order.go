// Package order sorts slices of any element type with one shared copy of
// the sorting code.
//
// slices.SortFunc is compiled once per element shape, and each copy is
// about 23 KB of WebAssembly (pdqsort and its helpers). SortFunc here sorts
// pointers to the elements instead — every pointer type shares one shape,
// the same one the snapshot encoder's []*T sorts use — and then moves the
// elements into place. Only this small wrapper is compiled per type.
//
// The result is exactly what slices.SortFunc(s, cmp) would give, ties
// included: pdqsort's steps depend only on the length and on the results of
// the comparisons, and these are the same whether it moves elements or
// pointers to them. Use it off the hot paths; recall sorts its own way.
package order

import "slices"

// small is the length up to which pdqsort only does an insertion sort; the
// same insertion sort is done here in place, without allocating.
const small = 12

// SortFunc sorts s in place by cmp, in the order slices.SortFunc would
// leave it (cmp takes pointers to the elements; it must not modify them).
func SortFunc[T any](s []T, cmp func(a, b *T) int) {
	n := len(s)
	if n <= small {
		for i := 1; i < n; i++ {
			for j := i; j > 0 && cmp(&s[j], &s[j-1]) < 0; j-- {
				s[j], s[j-1] = s[j-1], s[j]
			}
		}
		return
	}
	p := make([]*T, n)
	for i := range s {
		p[i] = &s[i]
	}
	slices.SortFunc(p, cmp)
	tmp := make([]T, n)
	for i, x := range p {
		tmp[i] = *x
	}
	copy(s, tmp)
}
