// Every test here starts the real axolotl process; `--filter "Category!=E2E"` leaves them out.
[assembly: AssemblyTrait("Category", "E2E")]
