package worker_test

// The crash test's journey: three actions per contact, an hour apart.
const crashJourney = `journey crash

entry on signed_up

stage Only {
  send "welcome"
  after 1h notify sales "new sign-up"
  after 2h task "Call" for owner
}
`

const crashSchema = `contact {
  email: string?
}

event signed_up

team sales
`
