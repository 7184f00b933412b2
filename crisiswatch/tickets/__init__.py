"""Step 3 of the playbook: route a case to departments and open their tickets."""
