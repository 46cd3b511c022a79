"""Inventor rewards (奖励和报酬): the centre's share of each deal's net income owed to the inventors,
rewards paid to named inventors, and warnings while paid is below due."""
