"""Tasks and playbooks: an account team's to-dos, created by hand, by a QBR, or by a playbook a rule started."""
