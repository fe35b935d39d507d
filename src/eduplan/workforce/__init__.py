"""Workforce registers: training hours and rotation coverage, performance-pay shares, evaluation
schemes, teacher-ethics records (restricted), and school publicity checks."""
