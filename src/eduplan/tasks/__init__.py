"""Plan tasks: the qualitative measures of the plan with lead departments, county assignments,
milestones, progress with evidence, status workflow and escalation; county action plans."""
