package storetest

// The reports of ReportHistory, as report.Build makes them; VERSION
// stands for the journey's version. By hand: Welcome's ended visits are
// 2h (c01, c02, to Engaged), 33h (c04, exit) and 46h (c03, goal), so p50
// is 17.5h (63000 s, between 2h and 33h) and p90 42.1h (151560 s, 0.7 of
// the way from 33h to 46h); c05–c09 have been in Welcome longer than
// that with nothing pending (stalled), c10 for 28h. Engaged's one ended
// visit is c01's 70h; c02 has been there 237h. The goal's times are 46h
// (c03) and 72h (c01). The split put c03, c06, c08 and c10 in the holdout
// (c03 bought) and c04, c05, c07 and c09 in the discount (none did):
// Wilson intervals [0.046, 0.699] for 1 in 4 and [0, 0.49] for 0 in 4, a
// z of −1.069 and a p-value of 0.285, too few to call. Every contact is
// sent the welcome (10), but c05's, still waiting when c05 unsubscribed,
// is cancelled: of the 9 other rows c01's is delivered, c02's parked and
// 7 pending, a delivery rate of 1/9. Of the four offers (the discount
// arm) three are sent and c05's, at +1d4h, is recorded unsubscribed.
const reportWant = `{
  "since": null,
  "until": null,
  "journeys": [
    {
      "journey": "promo",
      "enrolled": 10,
      "active": 7,
      "converted": 2,
      "exited": 1,
      "conversion_rate": 0.2,
      "versions": [
        {
          "version": "VERSION",
          "enrolled": 10,
          "active": 7,
          "converted": 2,
          "exited": 1
        }
      ],
      "stages": [
        {
          "stage": "Welcome",
          "entered": 10,
          "current": 6,
          "converted": 1,
          "exited": {
            "exit": 1
          },
          "conversion_to_next": 0.2,
          "time_in_stage": {
            "count": 4,
            "p50_seconds": 63000,
            "p90_seconds": 151560
          },
          "stalled": 5
        },
        {
          "stage": "Engaged",
          "entered": 2,
          "current": 1,
          "converted": 1,
          "exited": {},
          "conversion_to_next": null,
          "time_in_stage": {
            "count": 1,
            "p50_seconds": 252000,
            "p90_seconds": 252000
          },
          "stalled": 1
        }
      ],
      "messages": [
        {
          "step": "Engaged/send:nudge#1",
          "kind": "send",
          "target": "nudge",
          "sent": 2,
          "suppressed": 0,
          "capped": 0,
          "over_budget": 0,
          "unsubscribed": 0,
          "pending": 2,
          "delivered": 0,
          "parked": 0,
          "unknown": 0,
          "delivery_rate": 0
        },
        {
          "step": "Engaged/send:reminder#1",
          "kind": "send",
          "target": "reminder",
          "sent": 2,
          "suppressed": 0,
          "capped": 0,
          "over_budget": 0,
          "unsubscribed": 0,
          "pending": 2,
          "delivered": 0,
          "parked": 0,
          "unknown": 0,
          "delivery_rate": 0
        },
        {
          "step": "Welcome/send:welcome#1",
          "kind": "send",
          "target": "welcome",
          "sent": 10,
          "suppressed": 0,
          "capped": 0,
          "over_budget": 0,
          "unsubscribed": 0,
          "pending": 7,
          "delivered": 1,
          "parked": 1,
          "unknown": 0,
          "delivery_rate": 0.111
        },
        {
          "step": "Welcome/split:offer#1/discount/send:offer#1",
          "kind": "send",
          "target": "offer",
          "sent": 3,
          "suppressed": 0,
          "capped": 0,
          "over_budget": 0,
          "unsubscribed": 1,
          "pending": 3,
          "delivered": 0,
          "parked": 0,
          "unknown": 0,
          "delivery_rate": 0
        }
      ],
      "goals": [
        {
          "goal": "bought",
          "conversions": 2,
          "rate": 0.2,
          "time_to_convert": {
            "count": 2,
            "p50_seconds": 212400,
            "p90_seconds": 249840
          }
        }
      ],
      "splits": [
        {
          "split": "offer",
          "step": "Welcome/split:offer#1",
          "baseline": "holdout",
          "arms": [
            {
              "arm": "discount",
              "contacts": 4,
              "converted": 0,
              "rate": 0,
              "ci_low": 0,
              "ci_high": 0.49,
              "lift": -1,
              "p_value": 0.285,
              "verdict": "too small to call"
            },
            {
              "arm": "holdout",
              "contacts": 4,
              "converted": 1,
              "rate": 0.25,
              "ci_low": 0.046,
              "ci_high": 0.699,
              "lift": null,
              "p_value": null,
              "verdict": "baseline"
            }
          ]
        }
      ],
      "cohorts": [
        {
          "week": "2026-W02",
          "entered": 8,
          "converted": 2,
          "rate": 0.25
        },
        {
          "week": "2026-W03",
          "entered": 2,
          "converted": 0,
          "rate": 0
        }
      ]
    }
  ]
}`

// reportWantWeek2 is the report of the enrollments that began in the
// second week (c09 and c10), and the outbox rows due then: no visit has
// ended, so nothing is stalled before DefaultStallAfter.
const reportWantWeek2 = `{
  "since": "2026-01-12T09:00:00Z",
  "until": "2026-01-15T09:00:00Z",
  "journeys": [
    {
      "journey": "promo",
      "enrolled": 2,
      "active": 2,
      "converted": 0,
      "exited": 0,
      "conversion_rate": 0,
      "versions": [
        {
          "version": "VERSION",
          "enrolled": 2,
          "active": 2,
          "converted": 0,
          "exited": 0
        }
      ],
      "stages": [
        {
          "stage": "Welcome",
          "entered": 2,
          "current": 2,
          "converted": 0,
          "exited": {},
          "conversion_to_next": null,
          "time_in_stage": {
            "count": 0,
            "p50_seconds": 0,
            "p90_seconds": 0
          },
          "stalled": 0
        }
      ],
      "messages": [
        {
          "step": "Welcome/send:welcome#1",
          "kind": "send",
          "target": "welcome",
          "sent": 2,
          "suppressed": 0,
          "capped": 0,
          "over_budget": 0,
          "unsubscribed": 0,
          "pending": 2,
          "delivered": 0,
          "parked": 0,
          "unknown": 0,
          "delivery_rate": 0
        },
        {
          "step": "Welcome/split:offer#1/discount/send:offer#1",
          "kind": "send",
          "target": "offer",
          "sent": 1,
          "suppressed": 0,
          "capped": 0,
          "over_budget": 0,
          "unsubscribed": 0,
          "pending": 1,
          "delivered": 0,
          "parked": 0,
          "unknown": 0,
          "delivery_rate": 0
        }
      ],
      "goals": [],
      "splits": [
        {
          "split": "offer",
          "step": "Welcome/split:offer#1",
          "baseline": "holdout",
          "arms": [
            {
              "arm": "discount",
              "contacts": 1,
              "converted": 0,
              "rate": 0,
              "ci_low": 0,
              "ci_high": 0.793,
              "lift": null,
              "p_value": 1,
              "verdict": "too small to call"
            },
            {
              "arm": "holdout",
              "contacts": 1,
              "converted": 0,
              "rate": 0,
              "ci_low": 0,
              "ci_high": 0.793,
              "lift": null,
              "p_value": null,
              "verdict": "baseline"
            }
          ]
        }
      ],
      "cohorts": [
        {
          "week": "2026-W03",
          "entered": 2,
          "converted": 0,
          "rate": 0
        }
      ]
    }
  ]
}`
