"""Programme registers: standardisation projects, designations, group schooling, subsidy
disbursements, parent committees and county incentives."""
