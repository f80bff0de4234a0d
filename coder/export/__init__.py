"""What leaves qcoder: quotes and tables for papers, and REFI-QDA files for other QDA tools."""
