// Package inventory keeps stock counts per item and serves them over HTTP.
package inventory

import (
	"errors"
	"sort"
	"sync"
)

// ErrInsufficient is returned when taking more units than are in stock.
var ErrInsufficient = errors.New("not enough stock")

// Store is an in-memory, concurrency-safe map of item name to units in stock.
type Store struct {
	mu    sync.Mutex
	units map[string]int
}

func NewStore() *Store {
	return &Store{units: map[string]int{}}
}

// Add changes an item's stock by delta (negative to take) and returns the new count.
func (s *Store) Add(item string, delta int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.units[item] + delta
	if next < 0 {
		return s.units[item], ErrInsufficient
	}
	s.units[item] = next
	return next, nil
}

func (s *Store) Get(item string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.units[item]
	return n, ok
}

// Items lists the item names in order, so responses are stable.
func (s *Store) Items() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.units))
	for name := range s.units {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
