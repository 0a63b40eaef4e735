package synth

import (
	"fmt"
	"strings"
)

// Vocabulary the generator draws from, by index, so the workspace is the
// same on every run.
var (
	forms      = []string{"pricing-guide", "webinar", "trial-signup", "newsletter", "contact-sales", "ebook"}
	teams      = []string{"sales", "cs", "owner", "marketing", "support"}
	days       = []string{"mon-fri", "mon-thu, sat", "tue-sat", "mon, wed, fri", "mon-sun"}
	industries = []string{"retail", "logistics", "healthcare", "fintech", "education"}
	zones      = []string{"Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "Australia/Sydney"}
)

// Workspace returns a workspace of realistic journeys: the schema, n
// journeys and a test file for each. Every clause kind, brace and angle
// stages, every step kind, nested branches, splits and waits; the tests
// use every statement and expectation form. It parses without a
// diagnostic; it does not check clean, as it names templates it does not
// have. 260 journeys make a little over 1 MB.
func Workspace(n int) []File {
	files := []File{{Name: "schema.journey", Src: []byte(workspaceSchema)}}
	for i := range n {
		files = append(files,
			File{Name: fmt.Sprintf("journey_%03d.journey", i), Src: []byte(workspaceJourney(i))},
			File{Name: fmt.Sprintf("journey_%03d_test.journey", i), Src: []byte(workspaceTest(i))},
		)
	}
	return files
}

const workspaceSchema = `// The workspace's contact and events.
contact {
  email:        string
  first_name:   string?
  score:        int
  lifecycle:    enum(subscriber, lead, mql, sql, opportunity, customer, evangelist)
  timezone:     string
  last_login:   timestamp?
  open_tickets: int
  nps:          int?
  tags:         list<string>
  attributes:   map<string, string>
  usage:        list<{ feature: string, count: int }>
  company: {
    size:     int
    industry: string
  }
}

event form_submitted { form: string, page: string }
event page_viewed    { path: string }
event email_opened   { template: string }
event meeting_booked { rep: string }
event trial_started  { plan: string }
event deal_won       { amount: double }
event ticket_closed

team sales "sales@example.com"
team cs "cs@example.com"
team marketing "marketing@example.com"
team support "support@example.com"
`

// workspaceJourney writes journey i: every clause, four stages (one in angle
// form) and every step kind.
func workspaceJourney(i int) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	form := forms[i%len(forms)]
	team := teams[i%len(teams)]
	t := func(name string) string { return fmt.Sprintf("j%03d-%s", i, name) }

	p("// Journey %d: nurture for the %s form.\n", i, form)
	p("journey journey_%03d \"Nurture %d (%s)\"\n\n", i, i, form)
	p("entry    on form_submitted when event.form == %q && event.page.startsWith(\"/\")\n", form)
	p("exit     when lifecycle == \"customer\" ||\n")
	p("              (has_tag(\"unsubscribed\") && days_since(last_login) > %d)\n", 30+i%60)
	p("goal     converted when lifecycle in [\"sql\", \"opportunity\"]\n")
	p("suppress when open_tickets > 0 || nps < %d // detractors and open tickets\n", 5+i%3)
	p("window   %02d:00-%02d:30 %s\n", 7+i%4, 17+i%3, days[i%len(days)])
	p("cap      %d sends per %dd\n", 2+i%4, 5+i%9)
	if i%3 == 0 {
		p("reenter  never\n\n")
	} else {
		p("reenter  after %dd\n\n", 30+i%90)
	}

	p("stage Awareness {\n")
	p("  send %q\n", t("welcome"))
	p("  tag \"nurture-%d\"\n", i)
	p("  after 1d12h send sms %q\n", t("sms-hello"))
	p("  after 2d    send %q\n", t("case-study"))
	p("  after 4d    if clicked(%q) && count(\"page_viewed\", 7d) >= %d {\n", t("case-study"), 2+i%5)
	p("    set score = score + %d\n", 5+i%20)
	p("    notify %s \"Engaged lead: {{.email}} ({{.company.industry}})\"\n", team)
	p("  } else if opened(%q) {\n", t("case-study"))
	p("    after 6h send %q\n", t("reminder"))
	p("  } else {\n")
	p("    untag \"nurture-%d\"\n", i)
	p("    tag \"cold\"\n")
	p("  }\n")
	p("  after 7d    split onboarding_%d {\n", i)
	p("    %d%% short {\n      send %q\n      after 3d send %q\n    }\n", 50-i%20, t("short-1"), t("short-2"))
	p("    %d.5%% long {\n      send %q\n      after 2d send %q\n      after 4d send %q\n    }\n", 40+i%20, t("long-1"), t("long-2"), t("long-3"))
	p("    9.5%% holdout {}\n")
	p("  }\n")
	p("  after 14d   next\n")
	p("}\n\n")

	p("stage Interest when score >= %d && company.size > %d < after 1d send %q >\n\n", 30+i%20, 10*(1+i%9), t("interest"))

	p("stage Consideration when score >= %d {\n", 50+i%25)
	p("  webhook crm_sync_%d\n", i%4)
	p("  wait for email_opened when event.template == %q &&\n", t("roi-guide"))
	p("                           now - last_login < duration(\"72h\") within 3d {\n")
	p("    send %q\n", t("follow-up"))
	p("    set attributes = ({\"stage\": \"consideration\", \"journey\": \"journey_%03d\"})\n", i)
	p("  } timeout {\n")
	p("    send %q\n", t("roi-guide"))
	p("    after 2d if !opened(%q) {\n", t("roi-guide"))
	p("      notify %s \"{{.first_name}} has not opened the ROI guide\"\n", team)
	p("      task \"Call {{.email}}\" for owner due 2d\n")
	p("    }\n")
	p("  }\n")
	p("  after 10d wait for meeting_booked within 2w {\n")
	p("    goto Decision\n")
	p("  }\n")
	p("  after 30d exit \"no meeting after a month\"\n")
	p("}\n\n")

	p("stage Decision on meeting_booked {\n")
	p("  notify sales \"Meeting booked with {{.first_name}} by {{.email}}\"\n")
	p("  task \"Prepare proposal for {{.company.industry}}\" for owner due %dd\n", 1+i%3)
	p("  task \"Log the meeting\"\n")
	p("  after 10d if !opened(\"proposal\") {\n")
	p("    notify owner \"Proposal not opened after 10 days\"\n")
	p("  }\n")
	p("  after 21d if lifecycle == \"opportunity\" {\n")
	p("    exit \"handed to sales\"\n")
	p("  }\n")
	p("  after 60d exit\n")
	p("}\n\n")
	p("stage Parked\n")
	return b.String()
}

// workspaceTest writes the tests of journey i: every statement kind and every
// expectation form.
func workspaceTest(i int) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	form := forms[i%len(forms)]
	t := func(name string) string { return fmt.Sprintf("j%03d-%s", i, name) }
	contact := fmt.Sprintf("{ email: \"lead%d@example.com\", first_name: \"Lee\", score: %d, nps: %d, open_tickets: 0, "+
		"timezone: %q, tags: [\"a\", \"b\"], company: { size: %d, industry: %q } }",
		i, 10+i%30, 7+i%4, zones[i%len(zones)], 20+i, industries[i%len(industries)])

	p("test \"journey %d: a new lead gets the welcome series\" {\n", i)
	p("  journey journey_%03d\n", i)
	p("  contact \"lead-%d\" %s\n", i, contact)
	p("  start \"2025-03-03T09:00:00Z\"\n")
	p("  at 0    event form_submitted { form: %q, page: \"/landing/%d\" }\n", form, i)
	p("  expect  enrolled\n")
	p("  expect  stage Awareness\n")
	p("  expect  sent %q\n", t("welcome"))
	p("  expect  tagged \"nurture-%d\"\n", i)
	p("  at 1d12h expect sent sms %q\n", t("sms-hello"))
	p("  at 2d   expect sent %q by 2d1h\n", t("case-study"))
	p("  expect  not sent %q\n", t("reminder"))
	p("  at 7d   expect arm short\n")
	p("  expect  not capped %q\n", t("short-1"))
	p("  expect  score >= %d && \"a\" in tags\n", 10+i%30)
	p("}\n\n")

	p("test \"journey %d: a hot lead reaches a decision\" {\n", i)
	p("  journey journey_%03d\n", i)
	p("  contact %s\n", contact)
	p("  at 0   event form_submitted { form: %q, page: \"/pricing\" }\n", form)
	p("  at 1h  set score = %d\n", 90+i%10)
	p("  at 1h  set company.size = %d\n", 200+i)
	p("  expect stage Consideration\n")
	p("  at 2d  event meeting_booked { rep: \"sam\" }\n")
	p("  expect stage Decision\n")
	p("  expect notified sales\n")
	p("  expect task \"Log the meeting\"\n")
	p("  at 12d expect notified owner \"Proposal not opened after 10 days\"\n")
	p("  at 13d set lifecycle = \"sql\"\n")
	p("  expect goal converted\n")
	p("  expect exited\n")
	p("}\n\n")

	p("test \"journey %d: open tickets hold sends back\" {\n", i)
	p("  journey journey_%03d\n", i)
	p("  contact { email: \"t%d@example.com\", score: 5, open_tickets: 2, nps: 9, timezone: \"UTC\" }\n", i)
	p("  at 0  event form_submitted { form: %q, page: \"/\" }\n", form)
	p("  expect suppressed %q\n", t("welcome"))
	p("  expect not tagged \"cold\"\n")
	p("  at 1d event ticket_closed\n")
	p("  at 1d set open_tickets = 0\n")
	p("  at 30d set lifecycle = \"customer\"\n")
	p("  expect exited \"customer\"\n")
	p("  expect not enrolled\n")
	p("}\n")
	return b.String()
}
