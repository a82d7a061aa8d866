"""English demo mentions (original, fictional): news, press wire, forum threads and reviews."""

from __future__ import annotations

from cli.demo.model import Item, Row, make_items

_ROWS: list[Row] = [
    # ---- Acme Mobile: price change, three weeks ago (press release syndicated on news + wire)
    ("news+wire", "Acme Mobile Newsroom", 470.0, "acme", "neutral", "price",
     "Acme Mobile updates Unlimited Plus pricing",
     "<p><b>RIVERTON</b> &mdash; Acme Mobile today announced that its Unlimited Plus plan will cost "
     "$48 per month for new customers from the next billing cycle. Existing customers keep their "
     "current price for twelve months.</p><p>The plan now includes 40&nbsp;GB of hotspot data and "
     "free texting to 60 countries. Details are on "
     "<a href=\"https://acmemobile.example/plans\">the plans page</a>.</p>"),
    ("news", "Priya Raman", 466.5, "acme", "mixed", "price",
     "Acme's Unlimited Plus gets pricier, but the hotspot bump is real",
     "<p>Four dollars more a month is never welcome. Still, doubling the hotspot allowance makes "
     "Unlimited Plus a better deal for anyone who works from a laptop on the train.</p>"
     "<p>If you only use your phone for maps and messages, the cheaper Essentials plan is the smarter "
     "pick.</p>"),
    ("forum", "tallgrass_tom", 463.0, "acme", "negative", "price",
     "Acme raising prices AGAIN?",
     "Second increase in a year. I joined Acme because it was the cheap option. If this keeps up "
     "I am porting my number out."),
    ("forum", "mirela.k", 462.2, "acme", "neutral", "price",
     "Re: Acme raising prices AGAIN?",
     "Read the small print: it's only for new customers. Existing lines are locked for a year."),
    ("forum", "tallgrass_tom", 461.9, "acme", "mixed", "price",
     "Re: Acme raising prices AGAIN?",
     "Fair point, thanks. Still annoying, but less annoying."),
    # ---- Initech Wireless: price rise and backlash, around 17-19 days ago
    ("news+wire", "Initech Wireless Media Relations", 440.0, "initech", "neutral", "price",
     "Initech Wireless announces changes to its Flex prepaid plans",
     "<p>Initech Wireless will adjust the price of its Flex 10 and Flex 25 prepaid plans by $3 and $5 "
     "respectively. The change takes effect on each customer&#8217;s next top-up after a 30-day "
     "notice period.</p><p>&ldquo;These adjustments let us keep investing in network quality,&rdquo; "
     "said chief customer officer Lena Okafor.</p>"),
    ("news", "Hank Sorensen", 437.3, "initech", "negative", "price",
     "Initech's prepaid price hike lands hardest on its cheapest customers",
     "<p>Raising the entry plan by thirty percent while the premium tier barely moves is a strange way "
     "to &quot;invest in network quality&quot;. Prepaid users are the least able to absorb it.</p>"),
    ("forum", "budgetbeth", 436.0, "initech", "negative", "price",
     "Initech Flex 10 going up $3",
     "That is a lot when the plan was $10. Disappointing. Anyone know a prepaid that is still under ten?"),
    ("forum", "q_dawson", 435.1, "initech", "neutral", "price",
     "Re: Initech Flex 10 going up $3",
     "If you top up before the notice period ends you get one more month at the old price."),
    ("forum", "ravi_on_call", 420.5, "initech", "negative", "support",
     "Initech chat support kept me waiting 50 minutes",
     "Wanted to ask about the price change, sat in the chat queue for fifty minutes, got disconnected. "
     "Terrible experience."),
    ("reviews", "Olga P.", 418.0, "initech", "negative", "price",
     "2/5 - Was great value, not any more",
     "Rating: 2 out of 5. Coverage is fine in town, but after the increase Initech is no longer the "
     "budget choice it used to be."),
    # ---- Acme Mobile: double billing, refunds (about two weeks ago)
    ("forum", "lanternfish", 340.0, "acme", "negative", "billing",
     "Acme charged me twice this month",
     "Two identical charges of $52 on my card this morning. Nobody at Acme can tell me why. Awful."),
    ("forum", "mags_from_elmstead", 339.2, "acme", "negative", "billing",
     "Re: Acme charged me twice this month",
     "Me too! Both lines on my family plan got billed twice. My account is overdrawn now, thanks Acme."),
    ("forum", "dk_porter", 338.4, "acme", "negative", "billing",
     "Re: Acme charged me twice this month",
     "Called support, they said it is a &quot;known issue&quot; and refunds take 5-7 business days. "
     "Not good enough when rent is due."),
    ("news", "Marcus Bell", 336.0, "acme", "negative", "billing",
     "Acme Mobile customers hit with duplicate charges",
     "<p>A payment processing error caused some Acme Mobile customers to be billed twice for their "
     "monthly plan. The company confirmed the problem and said affected customers would be refunded "
     "automatically.</p><p>It did not say how many accounts were affected.</p>"),
    ("reviews", "Sandra Q.", 333.0, "acme", "negative", "billing",
     "1/5 - Billing is a mess",
     "Rating: 1 out of 5. Double charged by Acme, then the app showed a negative balance for a week. "
     "The signal is fine; the billing department is awful."),
    ("forum", "lanternfish", 300.0, "acme", "positive", "billing",
     "Re: Acme charged me twice this month",
     "Update: refund arrived today plus a $15 goodwill credit. Credit where it's due, they sorted it."),
    ("forum", "dk_porter", 298.7, "acme", "mixed", "billing",
     "Re: Acme charged me twice this month",
     "Got mine too. Glad it's fixed but it took nine days, not five."),
    # ---- Acme Mobile: everyday chatter
    ("reviews", "James W.", 490.0, "acme", "positive", "coverage",
     "5/5 - Never drops a call on my commute",
     "Rating: 5 out of 5. I drive sixty miles a day through the hills and Acme Mobile has been rock "
     "solid. Great value too."),
    ("reviews", "Noor H.", 410.0, "acme", "positive", "support",
     "4/5 - Friendly store staff",
     "Rating: 4 out of 5. The people at the Acme store on Harbor Street moved all my photos to the new "
     "phone and set up my eSIM in ten minutes. Lovely service."),
    ("forum", "cellwatcher", 380.0, "acme", "neutral", "coverage",
     "Acme adding 5G in North Hollis?",
     "Saw new antennas going up on the water tower. Anyone know if that's Acme? Their map still shows "
     "LTE only."),
    ("forum", "pike_and_shovel", 379.0, "acme", "neutral", "coverage",
     "Re: Acme adding 5G in North Hollis?",
     "The permit notice on the fence says AcmeMobile, so probably yes."),
    ("news", "Priya Raman", 300.5, "acme", "positive", "launch",
     "Hands-on: the new Acme Mobile app finally makes sense",
     "<p>The redesigned app puts your data usage, bill and roaming switch on one screen. It is fast, "
     "clear and, for once, <b>pleasant to use</b>.</p>"),
    ("reviews", "Tomasz R.", 260.0, "acme", "mixed", "support",
     "3/5 - Good network, slow support",
     "Rating: 3 out of 5. Acme speeds are excellent in the city. But getting a human on the phone took me "
     "40 minutes when my SIM stopped working."),
    ("forum", "greta_g", 230.0, "acme", "positive", "coverage",
     "Acme roaming worked great on holiday",
     "Just back from two weeks abroad. Turned on the Acme travel pass, everything just worked, no "
     "surprise charges. Happy customer."),
    ("reviews", "Alan B.", 200.0, "acme", "negative", "support",
     "1/5 - Cancelling was a nightmare",
     "Rating: 1 out of 5. Acme made me call three times to cancel a line I no longer need and still "
     "billed me for the next month."),
    ("forum", "mirela.k", 180.0, "acme", "neutral", "support",
     "How do I get an Acme eSIM for my watch?",
     "The app has an option for a second device but it's greyed out. Do I need to visit a store?"),
    ("forum", "pike_and_shovel", 179.4, "acme", "neutral", "support",
     "Re: How do I get an Acme eSIM for my watch?",
     "You need the Connected Devices add-on first, then the button lights up."),
    ("news", "Hank Sorensen", 150.0, "acme", "positive", "coverage",
     "Acme switches on 5G across North Hollis and Elmstead",
     "<p>Acme Mobile has switched on 5G in North Hollis and Elmstead, two towns that until now had "
     "patchy LTE at best. Early speed tests show downloads above 300&nbsp;Mbps.</p>"),
    ("reviews", "Keiko S.", 120.0, "acme", "positive", "coverage",
     "5/5 - Finally signal in my basement flat",
     "Rating: 5 out of 5. Since the new Acme mast went up I have full bars indoors. Brilliant."),
    ("forum", "chip_n_pin", 95.0, "acme", "mixed", "price",
     "Is Acme Essentials worth it?",
     "Cheap and the coverage is good, but no hotspot at all on the basic plan. Dealbreaker for me, "
     "maybe not for you."),
    # ---- Acme Mobile OUTAGE: the negative spike, about 62 to 58 hours ago
    ("forum", "rdriscoll", 62.4, "acme", "negative", "outage",
     "Acme down for anyone else?",
     "No bars at all in Riverton, phone says SOS only. Restarted twice. Is Acme down?"),
    ("forum", "kelpie_77", 62.3, "acme", "negative", "outage",
     "Re: Acme down for anyone else?",
     "Same in Lakeside. No calls, no data. And the Acme status page says everything is fine. What a "
     "joke, awful service."),
    ("forum", "nightshift_nurse", 62.2, "acme", "negative", "outage",
     "Re: Acme down for anyone else?",
     "I'm on a hospital night shift and can't reach my kids' babysitter. This is really bad, Acme."),
    ("forum", "bram_v", 62.1, "acme", "negative", "outage",
     "Acme Mobile total outage?",
     "Wi-Fi calling works, everything else is dead. Looks like the whole Acme network went down. Terrible."),
    ("reviews", "Lucy F.", 62.0, "acme", "negative", "outage",
     "1/5 - No service all evening",
     "Rating: 1 out of 5. Paying Acme for Unlimited Plus and getting unlimited nothing tonight. Awful."),
    ("forum", "cellwatcher", 61.9, "acme", "negative", "outage",
     "Re: Acme Mobile total outage?",
     "Every Acme mast around me shows up but nothing registers. Probably a core network failure, "
     "not the towers."),
    ("forum", "sol_invictus", 61.8, "acme", "negative", "outage",
     "Re: Acme down for anyone else?",
     "Missed a job interview call because of this. Worst possible timing. Thanks a lot, Acme Mobile."),
    ("news", "Marcus Bell", 61.6, "acme", "negative", "outage",
     "Acme Mobile customers report widespread outage",
     "<p>Customers of Acme Mobile across Riverton, Lakeside and Port Marren say they have had no "
     "mobile service since early evening. Reports of calls failing and data not working started "
     "climbing sharply on community forums.</p><p>Acme has not yet commented.</p>"),
    ("forum", "mags_from_elmstead", 61.5, "acme", "negative", "outage",
     "Re: Acme Mobile total outage?",
     "An hour on hold and then the line hung up on me. Not a single update from Acme. Furious, this is bad."),
    ("forum", "quietmarmot", 61.4, "acme", "negative", "outage",
     "Acme outage - card payments down at my shop",
     "Our card terminal runs on an Acme SIM. Cash only tonight, lost a lot of sales. Terrible."),
    ("reviews", "Derek O.", 61.3, "acme", "negative", "outage",
     "1/5 - Down again",
     "Rating: 1 out of 5. Second outage I've had with Acme this year, and this one is the worst. Switching."),
    ("forum", "kelpie_77", 61.2, "acme", "negative", "outage",
     "Re: Acme down for anyone else?",
     "Still nothing. Two hours now. How does a phone company just stop working?"),
    ("forum", "harbourlights", 61.0, "acme", "negative", "outage",
     "Acme 911 calls?",
     "Does anyone know if emergency calls work during the Acme outage? My elderly dad only has an "
     "Acme phone and I'm worried sick."),
    ("forum", "pike_and_shovel", 60.9, "acme", "neutral", "outage",
     "Re: Acme 911 calls?",
     "Emergency calls should roam onto any network that is up, even without your own carrier. "
     "Worth testing with a non-emergency number first, though."),
    ("news", "Lena Castillo", 60.7, "acme", "negative", "outage",
     "Small businesses count the cost of the Acme Mobile outage",
     "<p>Taxi firms, delivery drivers and shops that rely on Acme SIM cards for payments said the "
     "outage cost them a full evening of trade.</p><p>&ldquo;We had drivers sitting in cars with "
     "no jobs,&rdquo; said one dispatcher.</p>"),
    ("forum", "rdriscoll", 60.6, "acme", "negative", "outage",
     "Re: Acme down for anyone else?",
     "Their social media person just posted &quot;we're aware&quot;. Three hours in. Pathetic."),
    ("reviews", "Priscilla M.", 60.4, "acme", "negative", "outage",
     "1/5 - Useless when it matters",
     "Rating: 1 out of 5. The outage meant I could not call the vet about my sick dog. Acme Mobile, "
     "you had one job."),
    ("forum", "bram_v", 60.2, "acme", "negative", "outage",
     "Re: Acme Mobile total outage?",
     "Data is back for a minute, then gone again. Worse than nothing, my apps keep failing."),
    ("forum", "newtothis22", 60.0, "acme", "negative", "outage",
     "Acme network is dead, can I get a refund?",
     "Three hours without service. Do they owe us money for this? I want a refund."),
    ("forum", "dk_porter", 59.8, "acme", "negative", "outage",
     "Re: Acme network is dead, can I get a refund?",
     "Don't hold your breath. Last time they offered a pathetic $2 credit."),
    ("reviews", "Omar Q.", 59.6, "acme", "negative", "outage",
     "2/5 - Poor communication during outage",
     "Rating: 2 out of 5. Outages happen, I get it. Acme saying nothing for three hours is the bad part."),
    ("forum", "sol_invictus", 59.3, "acme", "negative", "outage",
     "Re: Acme down for anyone else?",
     "Acme store on Main Street has a queue out the door. Staff look as lost as we are. Frustrating "
     "and sad."),
    ("forum", "quietmarmot", 59.0, "acme", "mixed", "outage",
     "Re: Acme outage - card payments down at my shop",
     "Signal is back for me. Happy it's over, still angry about the lost evening."),
    ("news+wire", "Acme Mobile Newsroom", 58.8, "acme", "neutral", "outage",
     "Update on the Acme Mobile service disruption",
     "<p>Service has been restored for all Acme Mobile customers following a disruption to our core "
     "network this evening. We are sorry for the inconvenience this caused.</p><p>Affected customers "
     "will receive a bill credit automatically. More information is available at "
     "<a href=\"https://acmemobile.example/status\">acmemobile.example/status</a>.</p>"),
    ("forum", "harbourlights", 58.6, "acme", "negative", "outage",
     "Re: Acme 911 calls?",
     "Dad is fine, thank goodness. But &quot;sorry for the inconvenience&quot; is a weak apology from Acme."),
    # ---- Acme: aftermath
    ("news", "Marcus Bell", 45.0, "acme", "negative", "outage",
     "Acme blames faulty software update for evening outage",
     "<p>Acme Mobile said a software update to its core network caused the outage that left customers "
     "without service for close to four hours. Regulators have asked the company for a full report.</p>"),
    ("forum", "newtothis22", 33.0, "acme", "mixed", "billing",
     "Acme outage credit arrived",
     "Got a $10 credit on my account for the outage. Better than nothing, not exactly generous."),
    ("reviews", "Helen T.", 20.0, "acme", "positive", "support",
     "4/5 - Handled my complaint well",
     "Rating: 4 out of 5. Complained to Acme about the outage and they gave me an extra month of "
     "hotspot data. "
     "Nice gesture, polite agent."),
    ("forum", "chip_n_pin", 8.0, "acme", "neutral", "outage",
     "Acme outage report published",
     "The Acme report is out on their website. Long story short: a bad update and no working rollback."),
    # ---- Globex Telecom: launch of Globex Fiber One (ten days ago, syndicated)
    ("news+wire", "Globex Telecom Press Office", 250.0, "globex", "positive", "launch",
     "Globex Telecom launches Globex Fiber One with 2 Gbps home broadband",
     "<p>Globex Telecom today launched <b>Globex Fiber One</b>, a home broadband service with download "
     "speeds up to 2&nbsp;Gbps, symmetrical uploads and no annual contract. The service is available "
     "immediately to 180,000 homes in Riverton and Port Marren.</p><p>&ldquo;Fast, simple and fair "
     "&mdash; that&#8217;s what people told us they wanted,&rdquo; said CEO Arjun Mehta.</p>"),
    ("news", "Lena Castillo", 248.0, "globex", "neutral", "launch",
     "Globex bets on fibre with new 2 Gbps plan",
     "<p>The launch puts Globex ahead on headline speed, although the $75 monthly price is higher than "
     "most rivals&#8217; gigabit plans.</p>"),
    ("forum", "fibrefanatic", 247.0, "globex", "positive", "launch",
     "Globex Fiber One - 2 gig, no contract!",
     "Finally some real competition. Ordering it today. Symmetrical uploads are a dream for my backups."),
    ("forum", "oldrouterguy", 246.5, "globex", "mixed", "launch",
     "Re: Globex Fiber One - 2 gig, no contract!",
     "Impressive numbers, but your Wi-Fi won't do 2 gig anyway. The 500 meg plan is the sensible pick."),
    ("forum", "fibrefanatic", 246.0, "globex", "neutral", "launch",
     "Re: Globex Fiber One - 2 gig, no contract!",
     "Wired desktop, so I'll actually use it. Install slot is in nine days."),
    ("news", "Hank Sorensen", 240.0, "globex", "positive", "launch",
     "Review: Globex Fiber One is the fastest home internet we've tested",
     "<p>We measured 1.9&nbsp;Gbps down and 1.8&nbsp;Gbps up over a wired connection, with latency "
     "under 4&nbsp;ms. The included router is excellent. At this price it is not for everyone, but it "
     "is superb.</p>"),
    ("reviews", "Marta L.", 200.5, "globex", "negative", "support",
     "1/5 - Installer never showed up",
     "Rating: 1 out of 5. Took a day off work for the Globex install. Nobody came, nobody called. Rebooked "
     "for next week. Very disappointing."),
    ("forum", "oldrouterguy", 198.0, "globex", "negative", "support",
     "Globex install delays",
     "Three people on my street got their Globex Fiber One installs cancelled last minute. Seems they "
     "sold more than they can install."),
    ("forum", "lin_wei", 197.0, "globex", "neutral", "support",
     "Re: Globex install delays",
     "Mine was rescheduled once, then done properly. The tech said they're hiring more installers."),
    ("reviews", "Graham D.", 190.0, "globex", "positive", "launch",
     "5/5 - Worth the wait",
     "Rating: 5 out of 5. Install was delayed a week but the speed is incredible. Games download in "
     "minutes. Very happy with Globex."),
    ("news", "Priya Raman", 170.0, "globex", "negative", "support",
     "Globex apologises for Fiber One installation backlog",
     "<p>Globex Telecom has apologised to customers waiting up to three weeks for Fiber One to be "
     "installed and says it will waive the first month&#8217;s fee for anyone kept waiting.</p>"),
    ("reviews", "Ines A.", 150.5, "globex", "mixed", "billing",
     "3/5 - Fast, but the first bill was wrong",
     "Rating: 3 out of 5. Speeds are great. But my first Globex bill charged an installation fee that "
     "was supposed to be free. Sorted after two calls."),
    ("forum", "fibrefanatic", 140.0, "globex", "positive", "launch",
     "Globex Fiber One: two weeks in",
     "Not a single drop, upload is incredible, and the router app is actually good. Highly recommend."),
    ("forum", "suzie_q", 110.0, "globex", "negative", "billing",
     "Globex won't refund the install fee",
     "They charged me $99 for an install that was advertised as free and now say it is non-refundable. "
     "Ridiculous."),
    ("forum", "lin_wei", 109.2, "globex", "neutral", "billing",
     "Re: Globex won't refund the install fee",
     "Ask for the retentions team and quote the launch offer page. Worked for my neighbour."),
    ("forum", "suzie_q", 80.0, "globex", "positive", "billing",
     "Re: Globex won't refund the install fee",
     "Retentions refunded it in five minutes. Thanks for the tip!"),
    # ---- Globex Telecom: mobile and everyday chatter
    ("reviews", "Victor N.", 500.0, "globex", "negative", "coverage",
     "2/5 - Weak signal outside town",
     "Rating: 2 out of 5. Globex mobile is fine downtown, but on the ring road it drops to one bar and "
     "calls break up."),
    ("forum", "hillwalker_jo", 480.0, "globex", "negative", "coverage",
     "Globex dead zone on the Ridgeway trail",
     "Zero signal for about five miles on the Ridgeway. Bit scary when you're hiking alone."),
    ("reviews", "Farah Z.", 430.0, "globex", "positive", "support",
     "5/5 - Support actually fixed my problem",
     "Rating: 5 out of 5. My Globex number would not port in. The agent stayed on the line until it "
     "worked. Excellent."),
    ("news", "Lena Castillo", 400.0, "globex", "neutral", "price",
     "Globex Telecom holds prices for another year",
     "<p>Globex said it will not raise mobile prices this year, breaking with the pattern of annual "
     "increases across the market.</p>"),
    ("forum", "budgetbeth", 398.0, "globex", "positive", "price",
     "Re: Globex holding prices",
     "Good for Globex. That's exactly why I moved to them."),
    ("forum", "ravi_on_call", 320.0, "globex", "neutral", "support",
     "Does Globex support Wi-Fi calling on older phones?",
     "My phone is four years old. Their help page lists newer models only."),
    ("reviews", "Pat K.", 100.0, "globex", "negative", "outage",
     "2/5 - Broadband dropped for a whole morning",
     "Rating: 2 out of 5. Globex broadband went down from breakfast to lunch. Bad timing on a "
     "work-from-home day."),
    ("forum", "hillwalker_jo", 70.0, "globex", "neutral", "coverage",
     "Globex adding a mast near Ridgeway?",
     "There's a planning notice at the trailhead with the Globex Telecom name on it. Fingers crossed."),
    ("reviews", "Ben C.", 40.0, "globex", "positive", "coverage",
     "4/5 - Solid all round",
     "Rating: 4 out of 5. Good speeds, fair price, nothing to complain about. Globex just works."),
    ("forum", "lin_wei", 12.0, "globex", "positive", "launch",
     "Globex Fiber One now in Elmstead",
     "Got the letter today. Elmstead is on the Globex fibre map from next month. Great news."),
    ("news", "Hank Sorensen", 5.0, "globex", "neutral", "launch",
     "Globex to extend Fiber One to three more towns",
     "<p>Globex Telecom says Elmstead, Lakeside and North Hollis will get Fiber One by the end of the "
     "quarter.</p>"),
    # ---- Initech Wireless: coverage expansion (syndicated) and everyday chatter
    ("news+wire", "Initech Wireless Media Relations", 160.0, "initech", "positive", "coverage",
     "Initech Wireless brings 5G to 40 rural communities",
     "<p>Initech Wireless has completed the first phase of its rural rollout, bringing 5G coverage to "
     "40 communities in the valley that previously had little or no mobile data.</p><p>&ldquo;Nobody "
     "should have to stand on a hill to send a message,&rdquo; said network director Sam Ruiz.</p>"),
    ("news", "Lena Castillo", 158.0, "initech", "positive", "coverage",
     "Rural towns welcome Initech's 5G rollout",
     "<p>Farmers and small businesses in the valley told us that the new Initech masts have made a real "
     "difference: card payments at market stalls now work.</p>"),
    ("forum", "valleyfarmer", 157.0, "initech", "positive", "coverage",
     "Initech 5G at the farm!",
     "After ten years of no signal I can finally get data in the milking shed. Amazing, thanks Initech."),
    ("forum", "q_dawson", 150.0, "initech", "neutral", "coverage",
     "Re: Initech 5G at the farm!",
     "Which band are they using out there? Curious whether older phones can pick it up."),
    ("reviews", "Rosa E.", 380.0, "initech", "positive", "support",
     "5/5 - Best customer service I've had",
     "Rating: 5 out of 5. Initech sorted my lost phone, blocked the SIM and sent a new one the same day."),
    ("forum", "ravi_on_call", 350.0, "initech", "negative", "coverage",
     "Initech signal in the subway is useless",
     "Every other network works on the Line 2 platforms. Initech shows full bars and loads nothing."),
    ("reviews", "Callum J.", 310.0, "initech", "negative", "billing",
     "1/5 - Auto top-up charged me after I cancelled",
     "Rating: 1 out of 5. Cancelled auto top-up in the app, Initech charged me anyway. Two weeks "
     "for a refund."),
    ("forum", "budgetbeth", 290.0, "initech", "neutral", "launch",
     "Initech eSIM-only plan?",
     "Rumour is Initech will launch an eSIM-only plan with no store support. Has anyone seen details?"),
    ("news", "Priya Raman", 270.0, "initech", "neutral", "launch",
     "Initech Wireless tests app-only plan",
     "<p>Initech is trialling a plan sold and managed entirely through its app, with eSIM activation in "
     "minutes. Pricing has not been announced.</p>"),
    ("reviews", "Mei L.", 130.0, "initech", "mixed", "coverage",
     "3/5 - Great in the country, poor downtown",
     "Rating: 3 out of 5. Oddly, Initech works better at my parents' place in the valley than in my "
     "downtown office."),
    ("forum", "valleyfarmer", 90.0, "initech", "positive", "support",
     "Initech helped with my mum's phone",
     "Rang Initech to set up my mum's new phone, lovely patient agent, took the time to explain everything."),
    ("forum", "officedrone_88", 75.0, "initech", "mixed", "support",
     "Initech Wireless paperwork, TPS report vibes",
     "To transfer my number I had to fill out three forms. Initech Wireless, you're living up to the "
     "Office Space name. Still, the network itself is good."),
    ("news", "Hank Sorensen", 50.0, "initech", "positive", "launch",
     "Initech launches Flex Go, an app-only plan for $15",
     "<p>Initech Wireless has launched <b>Flex Go</b>: 15&nbsp;GB of data, unlimited calls and texts, "
     "eSIM only, managed entirely in the app. It&#8217;s a strong offer.</p>"),
    ("forum", "newtothis22", 47.0, "initech", "positive", "launch",
     "Switched to Initech Flex Go",
     "Signed up on my lunch break, eSIM worked in five minutes. Super easy."),
    ("reviews", "Anya V.", 30.0, "initech", "negative", "support",
     "2/5 - App-only means no help",
     "Rating: 2 out of 5. Flex Go is cheap, but when my eSIM failed there was no way to talk to a person "
     "at Initech."),
    ("forum", "kelpie_77", 25.0, "initech", "neutral", "launch",
     "Initech Flex Go vs Flex 25",
     "Flex Go has less data but costs less than the new Flex 25 price. Which one are people picking?"),
    ("forum", "greta_g", 3.0, "initech", "positive", "coverage",
     "Initech signal at the festival",
     "Sixty thousand people in a field and my Initech phone still uploaded videos. Impressive."),
    # ---- Comparisons (two or three brands)
    ("news", "Priya Raman", 480.5, "acme,globex,initech", "neutral", "price",
     "Which mobile network is cheapest this spring?",
     "<p>We compared plans from Acme Mobile, Globex Telecom and Initech Wireless. For light users "
     "Initech&#8217;s Flex 10 still wins; heavy users get more for their money from Globex.</p>"),
    ("forum", "budgetbeth", 420.0, "globex,initech", "mixed", "price",
     "Initech vs Globex for a family of four?",
     "Initech is cheaper per line now even with the increase, but Globex has better coverage at my "
     "kids' school. Tough call."),
    ("forum", "cellwatcher", 360.0, "acme,globex", "positive", "coverage",
     "Speed test: Acme vs Globex in Riverton",
     "Ran tests at ten spots downtown. Acme averaged 210 Mbps, Globex 185. Both excellent honestly."),
    ("reviews", "Ursula F.", 280.0, "acme,initech", "positive", "support",
     "5/5 - Left Acme for Initech, no regrets",
     "Rating: 5 out of 5. Initech's support is so much friendlier than Acme's was. Happier and paying less."),
    ("forum", "oldrouterguy", 220.0, "acme,globex", "negative", "launch",
     "Acme has nothing to answer Globex Fiber One",
     "Acme still sells that slow 300 meg cable bundle. Globex just leapfrogged them, and Acme looks "
     "asleep."),
    ("news", "Lena Castillo", 190.5, "acme,globex,initech", "neutral", "coverage",
     "Coverage map check: who covers the valley best?",
     "<p>Initech Wireless now leads in the valley after its rural rollout. Acme Mobile is strongest in "
     "the towns, and Globex Telecom sits in between.</p>"),
    ("forum", "sol_invictus", 57.0, "acme,globex", "negative", "outage",
     "Porting from Acme to Globex after last night",
     "Done with Acme. Globex store says my number moves over tomorrow. Never going through another "
     "outage like that."),
    ("forum", "bram_v", 55.0, "acme,initech", "mixed", "outage",
     "Keeping a cheap Initech SIM as backup for Acme",
     "After the Acme outage I bought an Initech Flex Go eSIM as a backup line. Annoying to need one, "
     "but it's only $15."),
    ("news", "Marcus Bell", 52.0, "acme,globex,initech", "neutral", "outage",
     "Rivals see sign-ups jump after Acme outage",
     "<p>Globex Telecom and Initech Wireless both reported a surge in customers moving their numbers "
     "in from Acme Mobile in the day after the outage.</p>"),
    ("reviews", "Kofi A.", 35.0, "globex,initech", "positive", "coverage",
     "5/5 - Globex at home, Initech on the road",
     "Rating: 5 out of 5. Globex Fiber One at home and Initech in the car is the perfect combo for me."),
    ("forum", "mirela.k", 15.0, "acme,globex", "mixed", "price",
     "Acme offering me 20% off to stay",
     "Told Acme I was moving to Globex, suddenly 20% off for a year. Tempting, but I'm still nervous "
     "after the outage."),
    ("forum", "pike_and_shovel", 2.0, "acme,initech", "neutral", "coverage",
     "Acme and Initech sharing masts?",
     "Read that Acme and Initech might share towers in the valley. Anyone know more?"),
    # ---- More press wire and everyday chatter
    ("news+wire", "Initech Wireless Media Relations", 50.5, "initech", "positive", "launch",
     "Initech Wireless introduces Flex Go, its first app-only plan",
     "<p>Initech Wireless today introduced <b>Flex Go</b>, a $15 monthly plan with 15&nbsp;GB of data and "
     "unlimited calls and texts, activated by eSIM and managed entirely in the Initech app.</p>"
     "<p>Flex Go is available now. See <a href=\"https://initechwireless.example/flexgo\">the Flex "
     "Go page</a> "
     "for details &amp; compatible phones.</p>"),
    ("wire", "Globex Telecom Press Office", 330.0, "globex", "neutral", "other",
     "Globex Telecom passes one million mobile customers",
     "<p>Globex Telecom said today that it now serves more than one million mobile customers, up 12% on "
     "last year.</p>"),
    ("wire", "Acme Mobile Newsroom", 395.0, "acme", "neutral", "support",
     "Acme Mobile opens new customer care centre in Port Marren",
     "<p>Acme Mobile has opened a customer care centre in Port Marren, creating 200 jobs and extending "
     "phone support hours to 10&nbsp;pm seven days a week.</p>"),
    ("wire+forum", "Acme Mobile Newsroom", 8.5, "acme", "neutral", "outage",
     "Acme Mobile publishes its report on the recent network outage",
     "<p>Acme Mobile has published the findings of its review into the recent outage. A faulty software "
     "update to the core network, combined with a rollback procedure that did not work as designed, left "
     "customers without service for just under four hours.</p><p>The company is changing how updates are "
     "tested and will add a second, independent core site by the end of the year.</p>"),
    ("reviews", "Gwen H.", 460.0, "globex", "positive", "coverage",
     "5/5 - Switched from cable, never looking back",
     "Rating: 5 out of 5. Globex broadband has been faster and steadier than my old cable line, and the "
     "bill is lower."),
    ("reviews", "Ray T.", 475.0, "initech", "negative", "coverage",
     "1/5 - Dropped calls every single day",
     "Rating: 1 out of 5. Initech drops my calls on the drive home, always at the same bridge. Very poor."),
    ("forum", "q_dawson", 402.0, "initech", "neutral", "price",
     "Initech roaming prices?",
     "Going abroad next month. Does Initech have a day pass, or is it pay per megabyte?"),
    ("forum", "oldrouterguy", 352.0, "globex", "negative", "support",
     "Globex router keeps rebooting",
     "The Globex router restarts itself every evening around dinner time. Really frustrating on calls."),
    ("forum", "lin_wei", 351.0, "globex", "neutral", "support",
     "Re: Globex router keeps rebooting",
     "There was a firmware update last week. Check Settings &gt; System &gt; Update in the router app."),
    ("news", "Dana Whitfield", 402.5, "", "neutral", "other",
     "Regulator opens consultation on rural mobile coverage",
     "<p>The communications regulator has asked the public how mobile coverage in rural areas should be "
     "measured, saying current maps overstate signal in valleys and forests.</p>"),
    ("reviews", "Mark S.", 282.0, "acme", "neutral", "other",
     "3/5 - Does the job",
     "Rating: 3 out of 5. Acme is an ordinary phone network. Nothing special, nothing terrible."),
    ("forum", "mags_from_elmstead", 210.5, "acme", "positive", "price",
     "Acme family plan saved us money",
     "Moved four lines onto the Acme family plan and our bill dropped by a third. Very pleased."),
    ("reviews", "Chloe N.", 232.0, "initech", "positive", "price",
     "4/5 - Cheap and cheerful",
     "Rating: 4 out of 5. Initech isn't fancy but it's cheap, the coverage is decent and the app is simple."),
    ("forum", "suzie_q", 130.5, "globex", "mixed", "price",
     "Globex Fiber One price after the first year?",
     "Love the speed, but the contract page says the price goes up after twelve months and doesn't say by "
     "how much. A bit sneaky, Globex."),
    ("news", "Marcus Bell", 85.0, "acme", "neutral", "other",
     "Acme Mobile to merge two downtown stores",
     "<p>Acme Mobile will merge its Main Street and Harbor Street stores into one larger shop next "
     "month.</p>"),
    ("forum", "dk_porter", 75.5, "acme", "negative", "coverage",
     "Acme dropping calls in Port Marren",
     "Three dropped calls today near the harbour. Anyone else on Acme seeing this?"),
    ("forum", "chip_n_pin", 20.5, "initech", "negative", "support",
     "Initech eSIM transfer failed",
     "Tried to move my Initech eSIM to a new phone, now neither phone has service. Awful process."),
    ("reviews", "Dev P.", 9.0, "globex", "mixed", "support",
     "3/5 - Great speed, awful hold music",
     "Rating: 3 out of 5. The Globex fibre is superb. Calling their support line is not."),
    ("forum", "harbourlights", 4.0, "acme", "neutral", "price",
     "Acme hotspot limit question",
     "Does the Acme Unlimited Plus hotspot allowance reset on the billing date or the first of the month?"),
    ("reviews", "Irene K.", 1.5, "initech", "positive", "price",
     "5/5 - Flex Go is perfect for my teen",
     "Rating: 5 out of 5. Initech Flex Go gives my son enough data and I never worry about overage charges."),
    # ---- Mentions of no brand (the rules should drop these)
    ("news", "Dana Whitfield", 300.0, "", "neutral", "other",
     "Five ways to cut your phone bill",
     "<p>Check your real data usage, turn off roaming add-ons you never use, and ask for a loyalty "
     "discount: most networks will give one if you ask.</p>"),
    ("forum", "oldrouterguy", 260.5, "", "neutral", "other",
     "Mesh Wi-Fi for a three-storey house?",
     "Thick stone walls, signal dies on the top floor. Would three mesh nodes be enough?"),
    ("news", "Dana Whitfield", 210.0, "", "positive", "other",
     "The baker who found the acme of the croissant",
     "<p>After twenty years of practice, Riverton baker Ida Lund believes her new croissant is the acme "
     "of flaky pastry. The queue outside suggests she is right.</p>"),
    ("forum", "toon_buff", 180.5, "", "positive", "other",
     "Favourite Road Runner gag?",
     "Mine is the Acme giant magnet. Wile E. Coyote ordering yet another anvil never gets old."),
    ("news", "Hank Sorensen", 120.5, "", "neutral", "other",
     "Overnight futures quiet on the CME Globex platform",
     "<p>Trading in the Globex session was thin overnight, with index futures little changed ahead of "
     "the jobs data.</p>"),
    ("forum", "officedrone_88", 100.5, "", "positive", "other",
     "Office Space rewatch",
     "Rewatched Office Space. The Initech TPS reports scene is still painfully accurate. Lumbergh forever."),
    ("forum", "greta_g", 65.0, "", "negative", "other",
     "My phone battery dies by lunchtime",
     "Two-year-old phone, battery at 40% by noon. Is it worth replacing the battery or just the phone?"),
]

ITEMS: list[Item] = make_items("en", _ROWS)
