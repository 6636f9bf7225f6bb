FROM scratch AS base1
FROM base1 AS base2
FROM base2 AS left
FROM base2 AS right
FROM left AS end1
HEALTHCHECK NONE
FROM right AS end2
