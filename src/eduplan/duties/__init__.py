"""Registers of the plan's duties that no other register carried: party organisation coverage,
public-institution registration of township central kindergartens, research guidance, the
accounts of non-profit private kindergartens, "three classrooms" pairings, trusteeship fees, the
outflow of students and teachers from county high schools, and kindergarten teachers' pay."""
