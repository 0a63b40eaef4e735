package store

import "fmt"

// BatchItem is one input of a batch: a contact's update or an event,
// exactly one of the two.
type BatchItem struct {
	Update *PutContactParams
	Event  *AddEventParams
}

// AddBatchParams are the arguments of Store.AddBatch: the inputs of one
// request, in the order they were given.
type AddBatchParams struct {
	Items []BatchItem
}

// AddBatchResult is what Store.AddBatch did.
type AddBatchResult struct {
	// Duplicates are the indexes in Items of the events ignored as
	// repeats, ascending: of an event seen before, or of an earlier event
	// of the same batch.
	Duplicates []int
}

// Contact is the contact an item is for.
func (it *BatchItem) Contact() string {
	if it.Event != nil {
		return it.Event.Contact
	}
	return it.Update.ID
}

// RepeatsInBatch marks the events of a batch that repeat an earlier event
// of the same batch (by ID): the first of each ID is taken, the others are
// duplicates. It returns a flag per item, and the items' event IDs taken
// first, in order, for the store to look up.
func RepeatsInBatch(items []BatchItem) (repeat []bool, firsts []int) {
	return RepeatsInBatchBy(items, func(e *AddEventParams) string { return e.ID })
}

// RepeatsInBatchBy is RepeatsInBatch for a store whose event identities
// are unique within a part of the contacts: key names an event's identity
// there (its ID and, say, its contact's bucket).
func RepeatsInBatchBy(items []BatchItem, key func(*AddEventParams) string) (repeat []bool, firsts []int) {
	repeat = make([]bool, len(items))
	seen := make(map[string]bool, len(items))
	for i, it := range items {
		if it.Event == nil || it.Event.ID == "" {
			continue
		}
		k := key(it.Event)
		if seen[k] {
			repeat[i] = true
			continue
		}
		seen[k] = true
		firsts = append(firsts, i)
	}
	return repeat, firsts
}

// Check reports an item that is neither an update nor an event, or both.
func (p *AddBatchParams) Check() error {
	for i, it := range p.Items {
		if (it.Update == nil) == (it.Event == nil) {
			return fmt.Errorf("batch item %d: want an update or an event, exactly one", i)
		}
	}
	return nil
}

// MarkTaken marks repeat the events firsts of items (see RepeatsInBatch)
// whose ID is not among taken, the identities a store took for the batch:
// those it had seen before.
func MarkTaken(items []BatchItem, firsts []int, taken []string, repeat []bool) {
	fresh := make(map[string]bool, len(taken))
	for _, id := range taken {
		fresh[id] = true
	}
	for _, i := range firsts {
		repeat[i] = !fresh[items[i].Event.ID]
	}
}
