"""Account health: measures, scorecards, the daily computation, history and the churn backtest."""
