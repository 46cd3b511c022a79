"""The application package (notice §五): the 项目申报书 sections the portal can fill, the 项目实施承诺书
with blanks for signatures, and the proof-materials checklist, as a Word document."""
