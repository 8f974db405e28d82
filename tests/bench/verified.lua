-- wrk script for make bench's "verified" run: /api/contact for verified
-- customers, each request the next of a pool of customer tokens and the
-- next of a few entries, so no one customer (or customer and entry) is
-- asked for over and over.
--
--   wrk -s tests/bench/verified.lua URL -- TOKEN_FILE ENTRY[,ENTRY...]
--
-- TOKEN_FILE has one token a line (bin/kfctl customer-token KEY). With N
-- tokens and E entries (N and E without a common factor, e.g. 1000 and 3)
-- every pair comes once in N * E requests. Each wrk thread starts at its
-- own place in the rotation. The requests are made once, in init().

local threads = 0

function setup(thread)
	thread:set("thread_no", threads)
	threads = threads + 1
end

local requests, n, i

function init(args)
	local file, list = args[1], args[2]
	if file == nil or list == nil then
		error("usage: wrk -s verified.lua URL -- TOKEN_FILE ENTRY[,ENTRY...]")
	end
	local tokens, entries = {}, {}
	for line in io.lines(file) do
		if line ~= "" then tokens[#tokens + 1] = line end
	end
	for e in string.gmatch(list, "[^,]+") do entries[#entries + 1] = e end
	if #tokens == 0 or #entries == 0 then
		error("verified.lua: no tokens in " .. file .. " or no entries")
	end
	requests = {}
	for k = 0, #tokens * #entries - 1 do
		requests[k + 1] = wrk.format("GET", "/api/contact?entry=" ..
		    entries[k % #entries + 1] .. "&customer=" ..
		    tokens[k % #tokens + 1])
	end
	n = #requests
	-- thread_no is set by setup(); the threads start far apart in the
	-- rotation (golden-ratio steps: however many threads there are).
	local x = (thread_no or 0) * 0.6180339887
	i = math.floor((x - math.floor(x)) * n)
end

function request()
	i = i % n + 1
	return requests[i]
end
