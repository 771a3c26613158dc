/* A real second definition (with an initial value): the link must still fail. */
char PC = 'y';
