-- wrk script for make bench's "scale" runs: /api/contact for an entry
-- picked at random among those of scripts/scale-data.sh
-- (scale-e000001 ... scale-eNNNNNN), a new pick for every request.
--
--   wrk -s tests/bench/scale.lua URL -- [COUNT]      (COUNT: 100000)

local threads = 0

function setup(thread)
	thread:set("thread_no", threads)
	threads = threads + 1
end

local count

function init(args)
	count = tonumber(args[1] or "100000")
	if count == nil or count < 1 or count > 999999 then
		error("scale.lua: COUNT is a number of entries, 1-999999")
	end
	-- Each thread its own sequence.
	math.randomseed(os.time() + 7919 * (thread_no or 0))
end

function request()
	return wrk.format("GET", string.format("/api/contact?entry=scale-e%06d",
	    math.random(count)))
end
