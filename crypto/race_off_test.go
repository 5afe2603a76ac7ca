//go:build !race

package crypto

// raceEnabled relaxes exact allocation counts: the race detector disables
// some allocation optimizations of append.
const raceEnabled = false
